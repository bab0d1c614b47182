import type { Labels } from './types.js';

// FNV-1a over the sorted label pairs, two 32-bit lanes with different offsets -> 16 hex digits.
// Stable across processes and restarts, which is all a fingerprint needs; not a security hash.
function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A stable hash of a string, 16 hex digits. */
export function hashString(text: string): string {
  return (
    fnv1a(text, 0x811c9dc5).toString(16).padStart(8, '0') +
    fnv1a(text, 0x050c5d1f).toString(16).padStart(8, '0')
  );
}

/** The canonical text of a label set: sorted `name=value` pairs joined by a separator no label contains. */
export function labelsKey(labels: Labels, names?: readonly string[]): string {
  const keys = (names ?? Object.keys(labels)).slice().sort();
  let out = '';
  for (const k of keys) {
    const v = labels[k];
    if (v === undefined) continue;
    out += `${k}\u0001${v}\u0002`;
  }
  return out;
}

/** The fingerprint of an alert: a hash of all its labels. */
export function fingerprintOf(labels: Labels): string {
  return hashString(labelsKey(labels));
}
