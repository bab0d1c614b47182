import type { LoadedLog, LogPageData } from '../types.js';

/**
 * Cuts a log into pages of `pageSize` lines. Page 1 is shown on the run page; pages 2+ get their own
 * routes, so a long log never makes the run page heavy.
 */
export function buildLogPages(
  log: LoadedLog,
  pageSize: number,
  links: { pagePermalink: (page: number) => string; rawHref: string },
): LogPageData[] {
  const pageCount = Math.max(1, Math.ceil(log.lines.length / pageSize));
  const pagePermalinks = Array.from({ length: pageCount }, (_, i) => links.pagePermalink(i + 1));
  return pagePermalinks.map((_, i) => {
    const page: LogPageData = {
      path: log.path,
      slug: log.slug,
      page: i + 1,
      pageCount,
      pagePermalinks,
      lines: log.lines.slice(i * pageSize, (i + 1) * pageSize),
      totalLines: log.totalLines,
      truncatedLines: log.totalLines - log.lines.length,
      rawHref: links.rawHref,
    };
    if (log.step_id !== undefined) page.step_id = log.step_id;
    return page;
  });
}
