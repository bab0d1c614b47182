import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PlanChange } from '@fieldops/contracts/chirpstack/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../../internal/clock.js';

// Who applied what (issue 16 item 6, decision 0030). Every apply appends to the site's journal, one
// JSON line per record: the run (who, when, which lock generation), an intent before each change
// and its outcome after it, and the end of the run. A run killed in the middle leaves intents
// without outcome: those changes are "in doubt" (sent, reply never recorded); the next apply
// reports them and re-plans from what ChirpStack holds, so nothing is done twice by replaying.

/** One line of the journal. */
export type JournalRecord =
  | {
      type: 'run';
      run: string;
      owner: string;
      pid: number;
      host: string;
      lock_generation: number | null;
      target: string;
      tenant: string;
      at: string;
      planned: number;
    }
  | {
      type: 'intent';
      run: string;
      seq: number;
      entity: PlanChange['entity'];
      key: string;
      action: PlanChange['action'];
      fields: string[];
      at: string;
    }
  | { type: 'outcome'; run: string; seq: number; ok: boolean; code?: string; at: string }
  | { type: 'end'; run: string; at: string; applied: number; errors: number };

/** A change as the journal tells it. */
export interface JournalChange {
  seq: number;
  entity: PlanChange['entity'];
  key: string;
  action: PlanChange['action'];
  fields: string[];
  /** done: succeeded; failed: ChirpStack refused it; in_doubt: sent, no outcome recorded (the run died). */
  state: 'done' | 'failed' | 'in_doubt';
  code?: string;
}

/** One apply run as the journal tells it. */
export interface JournalRun {
  run: string;
  owner: string;
  pid: number;
  host: string;
  lock_generation: number | null;
  target: string;
  tenant: string;
  started_at: string;
  /** Undefined when the run never finished (killed). */
  ended_at?: string;
  planned: number;
  changes: JournalChange[];
}

/** Writes one run's records; the apply calls `intent` before and `outcome` after each change. */
export interface RunRecorder {
  readonly run: string;
  /** Records the intent to change an entity; returns its sequence number. */
  intent(change: PlanChange): Promise<number>;
  /** Records how the change ended. */
  outcome(seq: number, ok: boolean, code?: string): Promise<void>;
  /** Records the end of the run. */
  end(result: { applied: number; errors: number }): Promise<void>;
}

/** Options of {@link startRun}. */
export interface StartRunOptions {
  path: string;
  owner: string;
  host: string;
  target: string;
  tenant: string;
  planned: number;
  lockGeneration?: number;
  /** The clock (core's `Clock`) of the time stamps; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  /** Called before each intent is written: the lock's fencing check (throws when the lock was lost). */
  beforeChange?: () => Promise<void>;
}

/**
 * Starts a run in the journal at `path` (appending; created when absent). Each record is one
 * `appendFile` of one line, written before the call it announces returns: a SIGKILL loses at most
 * the record being written, and a torn last line is skipped when read.
 */
export async function startRun(options: StartRunOptions): Promise<RunRecorder> {
  const now = dateSource(options);
  const run = randomUUID();
  await mkdir(dirname(options.path), { recursive: true });
  const write = (r: JournalRecord) => appendFile(options.path, `${JSON.stringify(r)}\n`);
  await write({
    type: 'run',
    run,
    owner: options.owner,
    pid: process.pid,
    host: options.host,
    lock_generation: options.lockGeneration ?? null,
    target: options.target,
    tenant: options.tenant,
    at: now().toISOString(),
    planned: options.planned,
  });
  let seq = 0;
  return {
    run,
    async intent(change) {
      await options.beforeChange?.();
      // Taken before the write: with changes applied in parallel, `seq` moves on while this awaits.
      const n = ++seq;
      await write({
        type: 'intent',
        run,
        seq: n,
        entity: change.entity,
        key: change.key,
        action: change.action,
        fields: change.diff.map((d) => d.field),
        at: now().toISOString(),
      });
      return n;
    },
    async outcome(n, ok, code) {
      await write({ type: 'outcome', run, seq: n, ok, ...(code ? { code } : {}), at: now().toISOString() });
    },
    async end(result) {
      await write({ type: 'end', run, at: now().toISOString(), ...result });
    },
  };
}

/** Reads a journal into runs, oldest first; a torn last line (a write cut by a kill) is skipped. */
export async function readRunJournal(path: string): Promise<JournalRun[]> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = new Map<string, JournalRun>();
  const bySeq = new Map<string, JournalChange>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      continue;
    }
    if (r.type === 'run')
      runs.set(r.run, {
        run: r.run,
        owner: r.owner,
        pid: r.pid,
        host: r.host,
        lock_generation: r.lock_generation,
        target: r.target,
        tenant: r.tenant,
        started_at: r.at,
        planned: r.planned,
        changes: [],
      });
    const run = runs.get(r.run);
    if (!run) continue;
    if (r.type === 'intent') {
      const c: JournalChange = {
        seq: r.seq,
        entity: r.entity,
        key: r.key,
        action: r.action,
        fields: r.fields,
        state: 'in_doubt',
      };
      run.changes.push(c);
      bySeq.set(`${r.run}:${r.seq}`, c);
    } else if (r.type === 'outcome') {
      const c = bySeq.get(`${r.run}:${r.seq}`);
      if (c) {
        c.state = r.ok ? 'done' : 'failed';
        if (r.code) c.code = r.code;
      }
    } else if (r.type === 'end') run.ended_at = r.at;
  }
  return [...runs.values()];
}
