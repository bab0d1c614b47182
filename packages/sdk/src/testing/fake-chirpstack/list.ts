import { createHash } from 'node:crypto';

// How ChirpStack v4.19.0 lists: `name ILIKE '%<search>%'` (Postgres: case-insensitive, `%` and
// `_` in the search are wildcards; e.g. storage/gateway.rs:356-365, storage/device.rs:719), ordered
// by name only (storage/gateway.rs:393, storage/device.rs:770): rows with equal names come back
// in whatever order the database picks, which can differ between two page queries. The fake
// makes that visible: ties are ordered by a hash of the key and a counter bumped on every List.

let listCalls = 0;

/** `name ILIKE '%search%'`: true when `search` is empty or matches with `%`/`_` as wildcards. */
export function ilike(name: string, search: string): boolean {
  if (!search) return true;
  const pattern = search
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^.*${pattern}.*$`, 'is').test(name);
}

/** Orders by name only (ties in a per-call order, as Postgres may) and slices one page. */
export function pageByName<T extends { name: string }>(
  items: Iterable<T>,
  key: (item: T) => string,
  limit: number,
  offset: number,
): { total: number; page: T[] } {
  listCalls += 1;
  const salt = String(listCalls);
  const tie = (item: T) => createHash('sha1').update(salt).update(key(item)).digest('hex');
  const all = [...items].sort((a, b) => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    const ta = tie(a);
    const tb = tie(b);
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
  return { total: all.length, page: limit === 0 ? [] : all.slice(offset, offset + limit) };
}

/** Orders by a unique key (the `order_by` DEV_EUI / GATEWAY_ID options) and slices one page. */
export function pageByKey<T>(
  items: Iterable<T>,
  key: (item: T) => string,
  limit: number,
  offset: number,
  desc = false,
): { total: number; page: T[] } {
  const all = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (desc) all.reverse();
  return { total: all.length, page: limit === 0 ? [] : all.slice(offset, offset + limit) };
}
