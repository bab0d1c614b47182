import type { ListOptions, Page } from '../types.js';

/** How many single-page re-reads {@link paginate} makes when a walk saw fewer distinct items than the total. */
const MAX_REREADS = 3;

/**
 * Walks limit/offset pages until `total_count` is reached or a page comes back empty. With `idOf`,
 * items are de-duplicated by id and, when the walk saw fewer distinct ids than `total_count`, the
 * whole list is read again as one page (one query: one consistent order) for the ones it missed.
 * ChirpStack orders lists by name only, so rows with equal names may swap places between two page
 * queries: one seen twice, another never.
 */
export async function* paginate<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
  options: ListOptions = {},
  idOf?: (item: T) => string,
): AsyncGenerator<T> {
  const limit = options.pageSize ?? 1000;
  const seen = new Set<string>();
  const fresh = (item: T) => {
    if (!idOf) return true;
    const id = idOf(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  let offset = 0;
  let total = 0;
  for (;;) {
    const page = await fetchPage(limit, offset);
    total = page.total_count;
    for (const item of page.items) if (fresh(item)) yield item;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total_count) break;
  }
  for (let reread = 0; idOf && seen.size < total && reread < MAX_REREADS; reread += 1) {
    const page = await fetchPage(Math.max(total, limit), 0);
    total = page.total_count;
    for (const item of page.items) if (fresh(item)) yield item;
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
