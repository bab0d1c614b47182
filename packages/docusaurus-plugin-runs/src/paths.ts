import { normalizeUrl } from '@docusaurus/utils';

/** The URL builders of one plugin instance. */
export interface RunPaths {
  projects: () => string;
  project: (project: string) => string;
  run: (project: string, date: string, runId: string) => string;
  logPage: (runPermalink: string, slug: string, page: number) => string;
  file: (runPermalink: string, bundlePath: string) => string;
  /** Page `n` (≥ 2) of a project's run list, `project()?page=n` (loaded in the browser); page 1 is `project()`. */
  listPage: (project: string, n: number) => string;
  /** The folder of a project's run list pages as JSON (`<folder>/<n>.json`, n ≥ 2), published next to the pages. */
  listPagesData: (project: string) => string;
  /** The archive view route. */
  archiveRoute: () => string;
  /** The archive view of one run. */
  archived: (project: string, date: string, runId: string) => string;
  /** Page `n` of a project's archived-runs index (id, title and status of each archived run; the page search indexes). */
  archivedIndex: (project: string, n: number) => string;
  /** The path of a URL inside the build output directory (the URL without the base URL). */
  outputPath: (permalink: string) => string;
}

/** Builds the URL helpers for a site's `baseUrl` and the plugin's `routeBasePath`. */
export function buildRunPaths(baseUrl: string, routeBasePath: string): RunPaths {
  return {
    projects: () => normalizeUrl([baseUrl, routeBasePath]),
    project: (project) => normalizeUrl([baseUrl, routeBasePath, project]),
    run: (project, date, runId) => normalizeUrl([baseUrl, routeBasePath, project, date, runId]),
    logPage: (runPermalink, slug, page) => normalizeUrl([runPermalink, 'logs', slug, String(page)]),
    file: (runPermalink, bundlePath) => normalizeUrl([runPermalink, 'files', bundlePath]),
    listPage: (project, n) => `${normalizeUrl([baseUrl, routeBasePath, project])}?page=${n}`,
    listPagesData: (project) => normalizeUrl([baseUrl, routeBasePath, project, '_list']),
    archiveRoute: () => normalizeUrl([baseUrl, routeBasePath, '_archive']),
    archived: (project, date, runId) =>
      `${normalizeUrl([baseUrl, routeBasePath, '_archive'])}?run=${project}/${date}/${runId}`,
    archivedIndex: (project, n) =>
      normalizeUrl([baseUrl, routeBasePath, project, 'archived', ...(n === 1 ? [] : [String(n)])]),
    outputPath: (permalink) =>
      permalink.startsWith(baseUrl) ? permalink.slice(baseUrl.length) : permalink.replace(/^\//, ''),
  };
}
