import { diffArrays } from 'diff';
import type { DiffHunk, DiffLine } from '../types.js';

/** Above this many differing lines the diff is reported as a whole replacement (bounded cost). */
export const MAX_EDIT_DISTANCE = 2_000;

/**
 * A line diff of `a` → `b` (jsdiff's Myers diff over the line arrays), every line of both texts in
 * order, tagged `equal`, `remove` or `add` with its line numbers; removals come before additions.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const changes = diffArrays([...a], [...b], { maxEditLength: MAX_EDIT_DISTANCE });
  if (!changes) {
    return [
      ...a.map((text, i): DiffLine => ({ op: 'remove', text, a: i + 1 })),
      ...b.map((text, i): DiffLine => ({ op: 'add', text, b: i + 1 })),
    ];
  }
  const out: DiffLine[] = [];
  let x = 0;
  let y = 0;
  for (const change of changes) {
    for (const text of change.value) {
      if (change.added) out.push({ op: 'add', text, b: ++y });
      else if (change.removed) out.push({ op: 'remove', text, a: ++x });
      else out.push({ op: 'equal', text, a: ++x, b: ++y });
    }
  }
  return out;
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
