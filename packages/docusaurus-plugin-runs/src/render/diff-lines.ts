import type { DiffHunk, DiffLine } from '../types.js';

/** Above this many differing lines the diff is reported as a whole replacement (bounded cost). */
export const MAX_EDIT_DISTANCE = 2_000;

/**
 * A line diff of `a` → `b` (Myers' O(ND) algorithm), every line of both texts in order, tagged
 * `equal`, `remove` or `add` with its line numbers.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break outer;
      }
    }
  }
  if (!found) {
    return [
      ...a.map((text, i): DiffLine => ({ op: 'remove', text, a: i + 1 })),
      ...b.map((text, i): DiffLine => ({ op: 'add', text, b: i + 1 })),
    ];
  }
  // Walk the trace back from (n, m) to (0, 0).
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: 'equal', text: a[x - 1] as string, a: x, b: y });
      x--;
      y--;
    }
    if (d > 0) {
      if (down) out.push({ op: 'add', text: b[y - 1] as string, b: y });
      else out.push({ op: 'remove', text: a[x - 1] as string, a: x });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Groups a diff into hunks of changes with `context` unchanged lines around each. */
export function buildHunks(lines: readonly DiffLine[], context = 3): DiffHunk[] {
  const changed = lines.map((l) => l.op !== 'equal');
  const keep = lines.map((_, i) => {
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) {
      if (changed[j]) return true;
    }
    return false;
  });
  const hunks: DiffHunk[] = [];
  let current: DiffLine[] | undefined;
  lines.forEach((line, i) => {
    if (keep[i]) {
      if (!current) {
        current = [];
        hunks.push({ lines: current });
      }
      current.push(line);
    } else current = undefined;
  });
  return hunks;
}
