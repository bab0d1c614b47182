// The site journal (decision 0030) when the apply runs changes in parallel (`--concurrency`): each
// outcome must land on its own intent. A sequence number read after the intent's write returned the
// number of a later intent, so a change could be journaled done while its own work was still in
// flight (the apply kill test saw one "done" change planned again by the next run).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanChange } from '@fieldops/contracts/chirpstack/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunJournal, startRun } from '../../src/chirpstack/index.js';

const change = (key: string): PlanChange =>
  ({ entity: 'device', key, action: 'create', diff: [{ field: 'name' }] }) as unknown as PlanChange;

describe('run journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldops-run-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives intents written in parallel their own sequence numbers, so each outcome lands on its change', async () => {
    const path = join(dir, 'site.jsonl');
    const recorder = await startRun({ path, owner: 'op', host: 'h', target: 't', tenant: 'x', planned: 6 });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const seqs = await Promise.all(keys.map((k) => recorder.intent(change(k))));
    expect(new Set(seqs).size).toBe(keys.length);
    // Only a, c and e finish (b, d and f are "killed" in flight); the failed one is c.
    await recorder.outcome(seqs[0]!, true);
    await recorder.outcome(seqs[2]!, false, 'INVALID_ARGUMENT');
    await recorder.outcome(seqs[4]!, true);
    const [run] = await readRunJournal(path);
    const state = Object.fromEntries(run!.changes.map((c) => [c.key, c.state]));
    expect(state).toEqual({ a: 'done', b: 'in_doubt', c: 'failed', d: 'in_doubt', e: 'done', f: 'in_doubt' });
    expect(run!.ended_at).toBeUndefined();
  });
});
