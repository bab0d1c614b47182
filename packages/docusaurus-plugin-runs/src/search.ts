/**
 * Patterns for `@easyops-cn/docusaurus-search-local`'s `ignoreFiles` (matched against each route
 * without the base URL): a project's run list (`<routeBasePath>/<project>`; its later pages are
 * loaded in the browser) and the archive view. The search plugin then never reads or parses them; their
 * `noindex` tag alone only drops them after parsing. Archived runs are found on their archived-runs
 * index, full runs on their pages (decision 0041).
 */
export function searchIgnoreFiles(routeBasePath = 'runs'): RegExp[] {
  const base = routeBasePath.replace(/^\/+|\/+$/g, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const prefix = base === '' ? '' : `${base}/`;
  return [new RegExp(`^${prefix}(?:_archive|[a-z0-9][a-z0-9-]*)$`)];
}
