import type { LoadedRun, ProjectsIndexData, RunListData, RunStatus, RunSummary } from '../types.js';

const STATUS_ORDER: RunStatus[] = ['failed', 'running', 'queued', 'cancelled', 'succeeded'];

/** Data of the projects index: per project, run counts by status and the latest run. */
export function buildProjectsIndexData(
  title: string,
  byProject: ReadonlyMap<string, RunSummary[]>,
  projectPermalink: (project: string) => string,
): ProjectsIndexData {
  return {
    title,
    projects: [...byProject.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, runs]) => {
        const byStatus: Partial<Record<RunStatus, number>> = {};
        for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
        const project: ProjectsIndexData['projects'][number] = {
          name,
          permalink: projectPermalink(name),
          runs: runs.length,
          byStatus,
        };
        if (runs[0]) project.latest = runs[0];
        return project;
      }),
  };
}

/** A project's run list cut into pages of `perPage` runs (newest first); page 1 at `pagePermalink(1)`. */
export function buildRunListPages(
  project: string,
  runs: RunSummary[],
  projectsPermalink: string,
  perPage: number,
  pagePermalink: (n: number) => string,
): RunListData[] {
  const pageCount = Math.max(1, Math.ceil(runs.length / perPage));
  return Array.from({ length: pageCount }, (_, i) => {
    const data = buildRunListData(project, runs.slice(i * perPage, (i + 1) * perPage), projectsPermalink);
    data.total = runs.length;
    data.pagination = { page: i + 1, pageCount, first: pagePermalink(1), last: pagePermalink(pageCount) };
    if (i > 0) data.pagination.prev = pagePermalink(i);
    if (i + 1 < pageCount) data.pagination.next = pagePermalink(i + 2);
    return data;
  });
}

/** Data of one page of a project's run list: runs (newest first) grouped by date, and the statuses present. */
export function buildRunListData(
  project: string,
  runs: RunSummary[],
  projectsPermalink: string,
): RunListData {
  const days = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const day = days.get(r.date);
    if (day) day.push(r);
    else days.set(r.date, [r]);
  }
  const present = new Set(runs.map((r) => r.status));
  return {
    project,
    projectsPermalink,
    days: [...days.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .map(([date, list]) => ({ date, runs: list })),
    statuses: STATUS_ORDER.filter((s) => present.has(s)),
    total: runs.length,
    pagination: { page: 1, pageCount: 1, first: '', last: '' },
  };
}

/** Groups runs by project, each list newest first (the input order is kept). */
export function groupByProject(runs: readonly LoadedRun[]): Map<string, LoadedRun[]> {
  const out = new Map<string, LoadedRun[]>();
  for (const r of runs) {
    const list = out.get(r.project);
    if (list) list.push(r);
    else out.set(r.project, [r]);
  }
  return out;
}
