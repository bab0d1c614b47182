import type { ArchivedIndexData, RunSummary } from '../types.js';

/** Archived runs per page of a project's archived-runs index: a few lines each, so pages stay small. */
export const ARCHIVED_INDEX_PAGE_SIZE = 2_000;

/**
 * A project's archived runs (newest first) cut into index pages that hold only each run's id, title
 * and status: what the local search indexes of an archived run. The run list pages carry much more
 * per row (deployment, times, duration, failed step) and are left out of the search index.
 */
export function buildArchivedIndexPages(
  project: string,
  runs: readonly RunSummary[],
  projectPermalink: string,
  pagePermalink: (n: number) => string,
  perPage = ARCHIVED_INDEX_PAGE_SIZE,
): ArchivedIndexData[] {
  const archived = runs.filter((r) => r.archived);
  const pageCount = Math.ceil(archived.length / perPage);
  return Array.from({ length: pageCount }, (_, i) => {
    const data: ArchivedIndexData = {
      project,
      projectPermalink,
      runs: archived.slice(i * perPage, (i + 1) * perPage).map((r) => {
        const row: ArchivedIndexData['runs'][number] = { id: r.id, status: r.status, permalink: r.permalink };
        if (r.title !== undefined) row.title = r.title;
        return row;
      }),
      total: archived.length,
      pagination: { page: i + 1, pageCount },
    };
    if (i > 0) data.pagination.prev = pagePermalink(i);
    if (i + 1 < pageCount) data.pagination.next = pagePermalink(i + 2);
    return data;
  });
}
