// The data-model deltas between two versions of a surface's model: the smallest set of
// `updateDataModel` writes (value at a path, or removal of a key) that turns `before` into `after`.
import { joinPointer } from './json-pointer.js';

/** One write to a data model: a value at a JSON Pointer path, or the removal of the key there. */
export interface DataModelWrite {
  path: string;
  /** Absent: remove the key at `path`. */
  value?: unknown;
  remove?: true;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether two JSON values are equal (structurally). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** About what one write adds on the stream around its path and value (the message envelope, the surface id, the SSE id). */
const WRITE_OVERHEAD_BYTES = 100;
const wireSize = (writes: DataModelWrite[]) =>
  writes.reduce(
    (n, w) => n + WRITE_OVERHEAD_BYTES + w.path.length + (w.remove ? 0 : JSON.stringify(w.value).length),
    0,
  );

/**
 * The writes that turn `before` into `after` at `path`. Objects are compared key by key and arrays
 * of the same length index by index; anything else that differs (a scalar, an array that grew or
 * shrank) is written whole at its path. Past `maxWrites` writes under one node, that node is
 * written whole instead when that is smaller on the wire (it is for many small changes; for a few
 * changes in a long list the writes are).
 */
export function buildDataModelWrites(
  before: unknown,
  after: unknown,
  path = '/',
  maxWrites = 32,
): DataModelWrite[] {
  if (jsonEqual(before, after)) return [];
  const whole: DataModelWrite[] = [{ path, value: after }];
  let out: DataModelWrite[] | undefined;
  if (isPlainObject(before) && isPlainObject(after)) {
    out = [];
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) out.push({ path: joinPointer(path, key), remove: true });
    }
    for (const key of Object.keys(after)) {
      out.push(...buildDataModelWrites(before[key], after[key], joinPointer(path, key), maxWrites));
    }
  } else if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    out = [];
    for (let i = 0; i < after.length; i++) {
      out.push(...buildDataModelWrites(before[i], after[i], joinPointer(path, i), maxWrites));
    }
  }
  if (!out) return whole;
  if (out.length <= maxWrites) return out;
  return wireSize(out) < wireSize(whole) ? out : whole;
}
