import type { Labels } from './types.js';

// FNV-1a over the sorted label pairs, two 32-bit lanes with different offsets -> 16 hex digits.
// Stable across processes and restarts, which is all a fingerprint needs; not a security hash.

/** The char codes of the lowercase hex digits. */
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** An unsigned 32-bit number as 8 lowercase hex digits (one string built at once). */
function hex8(n: number): string {
  return String.fromCharCode(
    HEX[(n >>> 28) & 15] as number,
    HEX[(n >>> 24) & 15] as number,
    HEX[(n >>> 20) & 15] as number,
    HEX[(n >>> 16) & 15] as number,
    HEX[(n >>> 12) & 15] as number,
    HEX[(n >>> 8) & 15] as number,
    HEX[(n >>> 4) & 15] as number,
    HEX[n & 15] as number,
  );
}

/**
 * The label names in the order of `Array.prototype.sort` (UTF-16 code units), sorted in place by
 * insertion: a label set has a handful of names, and the built-in sort allocates a work copy per call.
 */
function sortedNames(labels: Labels): string[] {
  const keys = Object.keys(labels);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** A stable hash of a string, 16 hex digits. */
export function hashString(text: string): string {
  // Both lanes in one pass over the text.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return hex8(a >>> 0) + hex8(b >>> 0);
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

/** The fingerprint of an alert: a hash of all its labels (the same as `hashString(labelsKey(labels))`). */
export function fingerprintOf(labels: Labels): string {
  // Hot path: hash the sorted pairs directly instead of building the canonical text first.
  const keys = sortedNames(labels);
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (const k of keys) {
    const v = labels[k];
    if (v === undefined) continue;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
    a = Math.imul(a ^ 1, 0x01000193);
    b = Math.imul(b ^ 1, 0x01000193);
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
    a = Math.imul(a ^ 2, 0x01000193);
    b = Math.imul(b ^ 2, 0x01000193);
  }
  return hex8(a >>> 0) + hex8(b >>> 0);
}
