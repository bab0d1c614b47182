import path from 'node:path';
import type { PluginOptions } from './options.js';
import type { RunPaths } from './paths.js';
import { buildProjectsIndexData, buildRunListData, groupByProject } from './props/index-data.js';
import { buildLogPages } from './props/log-pages.js';
import { buildRunSummary, compareRunsNewestFirst } from './props/run-summary.js';
import { buildSnapshotViews } from './props/snapshot-views.js';
import { isSafeAbsoluteUrl } from './render/safe-href.js';
import type {
  ArtifactView,
  LoadedRun,
  LogRoutePageData,
  ProjectsIndexData,
  RunListData,
  RunPageData,
  RunSummary,
  RunsContent,
} from './types.js';

/** The theme component of each kind of page (a site swizzles these). */
export const RUN_COMPONENTS = {
  projects: '@theme/RunsProjectsPage',
  list: '@theme/RunsListPage',
  run: '@theme/RunPage',
  logPage: '@theme/RunLogPage',
} as const;

/** One route to add: its path, component and the data module (`createData` file name and content). */
export interface RouteSpec {
  path: string;
  component: string;
  dataName: string;
  data: ProjectsIndexData | RunListData | RunPageData | LogRoutePageData;
}

/** A file of a bundle copied next to the built pages (raw logs and artifacts). */
export interface FileCopy {
  from: string;
  /** Relative to the build output directory. */
  to: string;
}

/** Routes and file copies for loaded content. Pure: the same content gives the same routes. */
export function buildRoutes(
  content: RunsContent,
  options: Pick<PluginOptions, 'title' | 'logPageSize'>,
  paths: RunPaths,
): { routes: RouteSpec[]; files: FileCopy[] } {
  const runs = [...content.runs].sort(compareRunsNewestFirst);
  const permalinkOf = (r: LoadedRun) => paths.run(r.project, r.date, r.run.automation_run_id);
  const routes: RouteSpec[] = [];
  const files: FileCopy[] = [];

  // Each deployment's runs, oldest first, for "diff to the previous run".
  const byDeployment = new Map<string, LoadedRun[]>();
  for (const r of [...runs].reverse()) {
    const list = byDeployment.get(r.run.deployment_id) ?? [];
    list.push(r);
    byDeployment.set(r.run.deployment_id, list);
  }

  const summaries = new Map<string, RunSummary[]>();
  for (const [project, list] of groupByProject(runs)) {
    summaries.set(
      project,
      list.map((r) => buildRunSummary(r, permalinkOf(r))),
    );
  }

  routes.push({
    path: paths.projects(),
    component: RUN_COMPONENTS.projects,
    dataName: 'projects.json',
    data: buildProjectsIndexData(options.title, summaries, paths.project),
  });
  for (const [project, list] of summaries) {
    routes.push({
      path: paths.project(project),
      component: RUN_COMPONENTS.list,
      dataName: `project-${project}.json`,
      data: buildRunListData(project, list, paths.projects()),
    });
  }

  for (const r of runs) {
    const permalink = permalinkOf(r);
    const id = r.run.automation_run_id;
    const key = `${r.project}-${r.date}-${id}`;
    const summary = buildRunSummary(r, permalink);
    const deploymentRuns = byDeployment.get(r.run.deployment_id) ?? [];
    const earlier = deploymentRuns.slice(0, deploymentRuns.indexOf(r));

    const logs = r.logs.map((log) => {
      const rawHref = paths.file(permalink, log.path);
      files.push({ from: path.join(r.dir, log.path), to: paths.outputPath(rawHref) });
      return buildLogPages(log, options.logPageSize, {
        pagePermalink: (n) => (n === 1 ? permalink : paths.logPage(permalink, log.slug, n)),
        rawHref,
      });
    });

    const artifacts = r.artifacts.map((a): ArtifactView => {
      const view: ArtifactView = { name: a.name };
      if (a.path !== undefined) {
        view.href = paths.file(permalink, a.path);
        files.push({ from: path.join(r.dir, a.path), to: paths.outputPath(view.href) });
      } else if (a.url !== undefined && isSafeAbsoluteUrl(a.url)) view.href = a.url;
      if (a.media_type !== undefined) view.media_type = a.media_type;
      if (a.bytes !== undefined) view.bytes = a.bytes;
      if (a.step_id !== undefined) view.step_id = a.step_id;
      return view;
    });

    const page: RunPageData = {
      summary,
      run: r.run,
      projectPermalink: paths.project(r.project),
      logs: logs.map((pages) => pages[0]!),
      snapshots: buildSnapshotViews(r, earlier, permalinkOf),
      artifacts,
    };
    if (r.postmortem) page.postmortem = { frontMatter: r.postmortem.frontMatter, html: r.postmortem.html };
    const prev = earlier[earlier.length - 1];
    if (prev) page.previousRun = { id: prev.run.automation_run_id, permalink: permalinkOf(prev) };
    routes.push({ path: permalink, component: RUN_COMPONENTS.run, dataName: `run-${key}.json`, data: page });

    for (const pages of logs) {
      for (const log of pages.slice(1)) {
        routes.push({
          path: log.pagePermalinks[log.page - 1]!,
          component: RUN_COMPONENTS.logPage,
          dataName: `log-${key}-${log.slug}-${log.page}.json`,
          data: { run: summary, runPermalink: permalink, log },
        });
      }
    }
  }
  return { routes, files };
}
