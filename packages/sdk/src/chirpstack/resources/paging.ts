import type { ListOptions, Page } from '../types.js';

/** How many times {@link paginate} walks a list again when it saw fewer distinct items than the total. */
const MAX_WALKS = 3;

/**
 * Walks limit/offset pages until `total_count` is reached or a page comes back empty. With `idOf`,
 * items are de-duplicated by id and, when a walk saw fewer distinct ids than `total_count`, the
 * list is walked again for the ones it missed: ChirpStack orders lists by name only, so rows with
 * equal names may swap places between two page queries (one seen twice, another never).
 */
export async function* paginate<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
  options: ListOptions = {},
  idOf?: (item: T) => string,
): AsyncGenerator<T> {
  const limit = options.pageSize ?? 1000;
  const seen = new Set<string>();
  for (let walk = 0; walk < (idOf ? MAX_WALKS : 1); walk += 1) {
    let offset = 0;
    let total = 0;
    for (;;) {
      const page = await fetchPage(limit, offset);
      total = page.total_count;
      for (const item of page.items) {
        if (idOf) {
          const id = idOf(item);
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield item;
      }
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total_count) break;
    }
    if (!idOf || seen.size >= total) return;
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
