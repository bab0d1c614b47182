import type { ListOptions, Page } from '../types.js';

/** Walks limit/offset pages until `total_count` is reached or a page comes back empty. */
export async function* paginate<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
  options: ListOptions = {},
): AsyncGenerator<T> {
  const limit = options.pageSize ?? 1000;
  let offset = 0;
  for (;;) {
    const page = await fetchPage(limit, offset);
    for (const item of page.items) yield item;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total_count) return;
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
