import * as kb from '@fieldops/contracts/kb/v1';
import type { LoadedSnapshot } from '../types.js';
import { parseIn, readJsonFile } from './bundle-files.js';
import { redactSecretKeys, stableStringify } from './redact.js';

/** Reads a `kb.v1.ConfigSnapshot` and turns its content into stable, redacted text. */
export async function readSnapshot(
  file: string,
  relative: string,
  stepId: string | undefined,
): Promise<{ snapshot: LoadedSnapshot; redactedByPlugin: string[] }> {
  const snap = parseIn(kb.ConfigSnapshot, await readJsonFile(file), file);
  const { value, redacted } = redactSecretKeys(snap.content);
  const text = snap.format === 'text' && typeof value === 'string' ? value : stableStringify(value);
  const snapshot: LoadedSnapshot = {
    path: relative,
    name: snap.name,
    taken_at: snap.taken_at,
    format: snap.format,
    text,
    redactions: [...snap.redactions, ...redacted.map((p) => ({ path: p, reason: 'key_name' as const }))],
  };
  if (snap.title !== undefined) snapshot.title = snap.title;
  const step = snap.step_id ?? stepId;
  if (step !== undefined) snapshot.step_id = step;
  if (snap.target !== undefined) snapshot.target = snap.target;
  return { snapshot, redactedByPlugin: redacted };
}
