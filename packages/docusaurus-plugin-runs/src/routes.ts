import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PluginOptions } from './options.js';
import { readPublishedFile, readRunRecord } from './output/read-run-record.js';
import type { RunPaths } from './paths.js';
import { archiveMonthOf, archivePackDir } from './props/archive-pack.js';
import { buildArchivedIndexPages } from './props/archived-index.js';
import { buildProjectsIndexData, buildRunListPages, groupByProject } from './props/index-data.js';
import { buildLogPages } from './props/log-pages.js';
import { buildRunSummary, compareRunsNewestFirst } from './props/run-summary.js';
import { buildSnapshotViews } from './props/snapshot-views.js';
import { isSafeAbsoluteUrl } from './render/safe-href.js';
import type {
  ArchivedIndexData,
  ArchivedRunData,
  ArchiveRouteData,
  ArtifactView,
  LoadedRun,
  LogRoutePageData,
  ProjectsIndexData,
  RunListData,
  RunPageData,
  RunRecord,
  RunSummary,
  RunsContent,
} from './types.js';

/** The theme component of each kind of page (a site swizzles these). */
export const RUN_COMPONENTS = {
  projects: '@theme/RunsProjectsPage',
  list: '@theme/RunsListPage',
  run: '@theme/RunPage',
  logPage: '@theme/RunLogPage',
  archive: '@theme/RunArchivePage',
  archivedIndex: '@theme/RunsArchivedIndexPage',
} as const;

/** One route to add: its path, component and the data module (`createData` file name and content). */
export interface RouteSpec {
  path: string;
  component: string;
  dataName: string;
  data:
    | ProjectsIndexData
    | RunListData
    | RunPageData
    | LogRoutePageData
    | ArchiveRouteData
    | ArchivedIndexData;
}

/** A file of a bundle copied next to the built pages (raw logs and artifacts). */
export interface FileCopy {
  from: string;
  /** Relative to the build output directory. */
  to: string;
  /** Changes when the file may have: the loaded run it belongs to (a reload re-reads a changed bundle into a new object). */
  fingerprint?: string;
}

// Each loaded run object gets a number: the loader hands back the same object for a bundle that
// did not change, so the numbers say which outputs may have changed since the last publish.
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = ++nextObjectId;
    objectIds.set(o, id);
  }
  return id;
}

/** A file the plugin writes into the build output (a run list page's JSON). */
export interface FileWrite {
  /** Relative to the build output directory. */
  to: string;
  content: string;
  /** Changes when the content does (see `FileCopy.fingerprint`). */
  fingerprint?: string;
}

/** One archived run's entry in a pack: its id and a maker of its pieces (archive JSON, then each log's bytes). */
export interface ArchivePackEntry {
  id: string;
  /** Reads the run's files and makes its pieces when the entry is written (never all in memory at once). */
  make: () => Promise<Buffer[]>;
}

/** The archived runs of one project and month: one index and its pack parts in the build output. */
export interface ArchivePackGroup {
  /** The month's index, relative to the build output directory (`<route>/<project>/_archive/<YYYY-MM>.json`). */
  index: string;
  /** The runs, oldest first (date, then id). */
  entries: ArchivePackEntry[];
  /** Changes when an entry may have (see `FileCopy.fingerprint`). */
  fingerprint: string;
  /**
   * The same across builds for the same content: the runs' file hashes (`LoadedRun.version`), list
   * rows and earlier runs of their deployments, and the URLs. Absent when a run has no version (no
   * validation cache): the pack is then not reused between builds.
   */
  cacheKey?: string;
}

/** Routes and file copies for loaded content. Pure: the same content gives the same routes. */
export function buildRoutes(
  content: RunsContent,
  options: Pick<PluginOptions, 'title' | 'logPageSize'> &
    Partial<Pick<PluginOptions, 'runsPerPage' | 'maxLogLines'>>,
  paths: RunPaths,
): { routes: RouteSpec[]; files: FileCopy[]; writes: FileWrite[]; archives: ArchivePackGroup[] } {
  const runs = [...content.runs].sort(compareRunsNewestFirst);
  // Each run's URLs and summary are made once (normalizeUrl is not cheap at 20,000 runs).
  const fullPermalinks = new Map<LoadedRun, string>();
  const fullPermalinkOf = (r: LoadedRun) => {
    let link = fullPermalinks.get(r);
    if (link === undefined) {
      link = paths.run(r.project, r.date, r.run.automation_run_id);
      fullPermalinks.set(r, link);
    }
    return link;
  };
  const archivedPermalinks = new Map<LoadedRun, string>();
  const permalinkOf = (r: LoadedRun) => {
    if (!r.archived) return fullPermalinkOf(r);
    let link = archivedPermalinks.get(r);
    if (link === undefined) {
      link = paths.archived(r.project, r.date, r.run.automation_run_id);
      archivedPermalinks.set(r, link);
    }
    return link;
  };
  const summaryOf = new Map<LoadedRun, RunSummary>();
  const routes: RouteSpec[] = [];
  const files: FileCopy[] = [];
  const writes: FileWrite[] = [];
  // Archived runs by project and month (`<project>/<YYYY-MM>`), each with its fingerprint parts.
  const packs = new Map<
    string,
    {
      index: string;
      entries: { run: LoadedRun; entry: ArchivePackEntry; fingerprint: string; stable?: string }[];
    }
  >();
  const perPage = options.runsPerPage ?? Number.POSITIVE_INFINITY;

  // Each deployment's runs, oldest first, for "diff to the previous run".
  const byDeployment = new Map<string, LoadedRun[]>();
  for (const r of [...runs].reverse()) {
    const list = byDeployment.get(r.run.deployment_id) ?? [];
    list.push(r);
    byDeployment.set(r.run.deployment_id, list);
  }
  const positionInDeployment = new Map<LoadedRun, number>();
  // What an archived run's entry depends on besides itself, stable across builds: its deployment's
  // earlier runs (their snapshots are diffed, their links shown), as a running hash per position.
  const earlierStable = new Map<LoadedRun, string | undefined>();
  // An archived run's pack entry depends on its deployment's runs (previous run, snapshot diffs).
  const deploymentFingerprint = new Map<string, string>();
  for (const [deployment, list] of byDeployment) {
    let running: string | undefined = '';
    for (const [i, r] of list.entries()) {
      positionInDeployment.set(r, i);
      earlierStable.set(r, running);
      running =
        running === undefined || r.version === undefined
          ? undefined
          : createHash('sha1')
              .update(`${running}|${r.run.automation_run_id}|${r.version}|${r.archived ? 'a' : 'f'}`)
              .digest('hex');
    }
    const ids = list.map((r) => `${objectId(r)}${r.archived ? 'a' : ''}`).join(',');
    deploymentFingerprint.set(deployment, createHash('sha1').update(ids).digest('hex'));
  }

  const summaries = new Map<string, RunSummary[]>();
  for (const [project, list] of groupByProject(runs)) {
    summaries.set(
      project,
      list.map((r) => {
        const summary = buildRunSummary(r, permalinkOf(r));
        summaryOf.set(r, summary);
        return summary;
      }),
    );
  }

  routes.push({
    path: paths.projects(),
    component: RUN_COMPONENTS.projects,
    dataName: 'projects.json',
    data: buildProjectsIndexData(options.title, summaries, paths.project),
  });
  for (const [project, list] of summaries) {
    const pageLink = (n: number) => (n === 1 ? paths.project(project) : paths.listPage(project, n));
    const pages = buildRunListPages(project, list, paths.projects(), perPage, pageLink);
    const archivedLink = (n: number) => paths.archivedIndex(project, n);
    const archivedPages = buildArchivedIndexPages(project, list, pageLink(1), archivedLink);
    pages.forEach((data, i) => {
      if (archivedPages.length > 0) data.archivedIndex = archivedLink(1);
      if (i === 0) {
        if (pages.length > 1) data.pageData = paths.listPagesData(project);
        routes.push({
          path: pageLink(1),
          component: RUN_COMPONENTS.list,
          dataName: `project-${project}.json`,
          data,
        });
        return;
      }
      // Later pages are JSON the list page loads in the browser: no route, no bundled module and no
      // pre-rendered HTML for each (400 of them at 20,000 runs; lists are not indexed anyway).
      const content = JSON.stringify(data);
      writes.push({
        to: paths.outputPath(`${paths.listPagesData(project)}/${i + 1}.json`),
        content,
        fingerprint: createHash('sha1').update(content).digest('hex'),
      });
    });
    archivedPages.forEach((data, i) => {
      routes.push({
        path: archivedLink(i + 1),
        component: RUN_COMPONENTS.archivedIndex,
        dataName: `archived-${project}-${i + 1}.json`,
        data,
      });
    });
  }
  if (runs.some((r) => r.archived)) {
    routes.push({
      path: paths.archiveRoute(),
      component: RUN_COMPONENTS.archive,
      dataName: 'archive.json',
      data: {
        projectsPermalink: paths.projects(),
        runsBase: paths.projects(),
        logPageSize: options.logPageSize,
        maxLogLines: options.maxLogLines ?? 20_000,
      },
    });
  }

  for (const r of runs) {
    const permalink = fullPermalinkOf(r);
    const id = r.run.automation_run_id;
    const key = `${r.project}-${r.date}-${id}`;
    const summary = summaryOf.get(r) ?? buildRunSummary(r, permalinkOf(r));
    const deploymentRuns = byDeployment.get(r.run.deployment_id) ?? [];
    const position = positionInDeployment.get(r) ?? 0;
    const prev = position > 0 ? deploymentRuns[position - 1] : undefined;

    const artifacts = r.artifacts.map((a): ArtifactView => {
      const view: ArtifactView = { name: a.name };
      if (a.path !== undefined) {
        view.href = paths.file(permalink, a.path);
        files.push({
          from: path.join(r.dir, a.path),
          to: paths.outputPath(view.href),
          fingerprint: `${objectId(r)}`,
        });
      } else if (a.url !== undefined && isSafeAbsoluteUrl(a.url)) view.href = a.url;
      if (a.media_type !== undefined) view.media_type = a.media_type;
      if (a.bytes !== undefined) view.bytes = a.bytes;
      if (a.step_id !== undefined) view.step_id = a.step_id;
      return view;
    });

    if (r.archived) {
      const key = `${r.project}/${archiveMonthOf(r.date)}`;
      let pack = packs.get(key);
      if (!pack) {
        const index = paths.outputPath(
          `${paths.projects()}/${archivePackDir(r.project)}/${archiveMonthOf(r.date)}.json`,
        );
        pack = { index, entries: [] };
        packs.set(key, pack);
      }
      pack.entries.push({
        run: r,
        fingerprint: `${deploymentFingerprint.get(r.run.deployment_id)}|${JSON.stringify(summary)}`,
        ...(r.version !== undefined && earlierStable.get(r) !== undefined
          ? { stable: `${r.version}|${earlierStable.get(r)}|${JSON.stringify(summary)}` }
          : {}),
        // The run record (timeline, steps) and the logs are read when the entry is written: an
        // archived run keeps only its list row in memory.
        entry: {
          id,
          make: async () => {
            const earlier = deploymentRuns.slice(0, position);
            const run = await readRunRecord(path.join(r.dir, 'run.json'), id);
            const logs = await Promise.all(
              r.logs.map((log) => readPublishedFile(path.join(r.dir, log.path))),
            );
            const archive = buildArchivedRunData(r, { run, summary, permalink, earlier, prev, artifacts });
            return [Buffer.from(JSON.stringify(archive)), ...logs];
          },
        },
      });
      continue;
    }

    const logs = r.logs.map((log) => {
      const rawHref = paths.file(permalink, log.path);
      files.push({
        from: path.join(r.dir, log.path),
        to: paths.outputPath(rawHref),
        fingerprint: `${objectId(r)}`,
      });
      return buildLogPages(log, options.logPageSize, {
        pagePermalink: (n) => (n === 1 ? permalink : paths.logPage(permalink, log.slug, n)),
        rawHref,
      });
    });

    const page: RunPageData = {
      summary,
      run: r.run,
      projectPermalink: paths.project(r.project),
      logs: logs.map((pages) => pages[0]!),
      snapshots: buildSnapshotViews(r, deploymentRuns.slice(0, position), permalinkOf),
      artifacts,
    };
    if (r.postmortem) page.postmortem = { frontMatter: r.postmortem.frontMatter, html: r.postmortem.html };
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
  const archives = [...packs.values()].map(({ index, entries }): ArchivePackGroup => {
    entries.sort((a, b) =>
      a.run.date === b.run.date
        ? a.entry.id < b.entry.id
          ? -1
          : a.entry.id > b.entry.id
            ? 1
            : 0
        : a.run.date < b.run.date
          ? -1
          : 1,
    );
    const fingerprint = createHash('sha1');
    for (const e of entries) fingerprint.update(`${e.entry.id}|${objectId(e.run)}|${e.fingerprint}\n`);
    const group: ArchivePackGroup = {
      index,
      entries: entries.map((e) => e.entry),
      fingerprint: fingerprint.digest('hex'),
    };
    if (entries.every((e) => e.stable !== undefined)) {
      const stable = createHash('sha1').update(`${paths.projects()}\n${index}\n`);
      for (const e of entries) stable.update(`${e.entry.id}|${e.stable}\n`);
      group.cacheKey = stable.digest('hex');
    }
    return group;
  });
  return { routes, files, writes, archives };

  function buildArchivedRunData(
    r: LoadedRun,
    at: {
      summary: RunSummary;
      permalink: string;
      run: RunRecord;
      earlier: LoadedRun[];
      prev: LoadedRun | undefined;
      artifacts: ArtifactView[];
    },
  ): ArchivedRunData {
    const data: ArchivedRunData = {
      summary: at.summary,
      projectPermalink: paths.project(r.project),
      run: at.run,
      logs: r.logs.map((log) => {
        const view: ArchivedRunData['logs'][number] = {
          path: log.path,
          slug: log.slug,
          totalLines: log.totalLines,
        };
        if (log.step_id !== undefined) view.step_id = log.step_id;
        return view;
      }),
      snapshots: buildSnapshotViews(r, at.earlier, permalinkOf),
      artifacts: at.artifacts,
    };
    if (r.postmortem) data.postmortem = { frontMatter: r.postmortem.frontMatter, html: r.postmortem.html };
    if (at.prev) data.previousRun = { id: at.prev.run.automation_run_id, permalink: permalinkOf(at.prev) };
    return data;
  }
}
