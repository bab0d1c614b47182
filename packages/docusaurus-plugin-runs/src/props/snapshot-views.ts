import { buildHunks, diffLines } from '../render/diff-lines.js';
import type { LoadedRun, SnapshotView } from '../types.js';

/**
 * The snapshots of `run`, each with a diff against the same-named snapshot of the most recent earlier
 * run of the same deployment that has one (`earlier` is that deployment's runs, oldest first).
 */
export function buildSnapshotViews(
  run: LoadedRun,
  earlier: readonly LoadedRun[],
  permalinkOf: (run: LoadedRun) => string,
): SnapshotView[] {
  return run.snapshots.map((snap) => {
    const view: SnapshotView = {
      name: snap.name,
      taken_at: snap.taken_at,
      format: snap.format,
      text: snap.text,
      redactions: snap.redactions,
    };
    if (snap.title !== undefined) view.title = snap.title;
    if (snap.step_id !== undefined) view.step_id = snap.step_id;
    if (snap.target !== undefined) view.target = snap.target;
    for (let i = earlier.length - 1; i >= 0; i--) {
      const prevRun = earlier[i] as LoadedRun;
      const prev = prevRun.snapshots.find((s) => s.name === snap.name);
      if (!prev) continue;
      const lines = diffLines(prev.text.split('\n'), snap.text.split('\n'));
      view.previous = {
        run_id: prevRun.run.automation_run_id,
        permalink: permalinkOf(prevRun),
        identical: lines.every((l) => l.op === 'equal'),
        added: lines.filter((l) => l.op === 'add').length,
        removed: lines.filter((l) => l.op === 'remove').length,
        hunks: buildHunks(lines),
      };
      break;
    }
    return view;
  });
}
