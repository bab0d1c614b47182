import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { HeldLock, JournalRun, RunRecorder } from '../../chirpstack/index.js';
import { type CliIo, UsageError } from '../io.js';

// `fieldops chirpstack apply` under the site lock, with the journal of who applied what
// (decision 0030). Kept apart from chirpstack.ts: this is the concurrency part only.

type Values = Record<string, string | boolean | undefined>;
type Cs = typeof import('../../chirpstack/index.js');

/** Lock and journal paths of a site (or of a ChirpStack target when no site is named). */
export function guardPaths(
  values: Values,
  io: Pick<CliIo, 'cwd'>,
): { name: string; lockDir: string; journal: string } {
  const name = String(values.site ?? values.chirpstack).replace(/[^A-Za-z0-9_.-]/g, '_');
  const base = resolve(io.cwd, String(values['state-dir'] ?? '.fieldops'));
  return { name, lockDir: resolve(base, 'locks', name), journal: resolve(base, 'journal', `${name}.jsonl`) };
}

/** Who is applying: `--owner`, else `user@host`. */
export function ownerOf(values: Values): string {
  if (typeof values.owner === 'string' && values.owner) return values.owner;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {}
  return `${user}@${hostname()}`;
}

/** One line per change of a run, for the terminal. */
export function describeRun(r: JournalRun): string {
  const count = (s: string) => r.changes.filter((c) => c.state === s).length;
  return `${r.started_at} ${r.owner} (pid ${r.pid} on ${r.host}) ${r.tenant} @ ${r.target}: ${count('done')} done, ${count('failed')} failed, ${count('in_doubt')} in doubt${r.ended_at ? '' : ' — interrupted'}`;
}

/** A running apply's lock, renewed in the background; `signal` aborts when the lock is lost. */
export interface Guard {
  lock: HeldLock;
  signal: AbortSignal;
  recorder(options: { target: string; tenant: string; planned: number }): Promise<RunRecorder>;
  close(): Promise<void>;
}

/** Takes the site lock (or fails naming its holder) and reports an interrupted previous run. */
export async function guardApply(values: Values, cs: Cs, io: CliIo): Promise<Guard> {
  const paths = guardPaths(values, io);
  const wait = values.wait === undefined ? 0 : Number(values.wait);
  if (!Number.isFinite(wait) || wait < 0)
    throw new UsageError('fieldops chirpstack apply: --wait takes seconds');
  const ttlMs = 60_000;
  const owner = ownerOf(values);
  const lock = await cs.acquireSiteLock({
    dir: paths.lockDir,
    site: paths.name,
    owner,
    ttlMs,
    waitMs: wait * 1000,
  });
  const previous = (await cs.readRunJournal(paths.journal)).at(-1);
  if (previous && !previous.ended_at) {
    io.stderr(`fieldops chirpstack: the previous apply was interrupted: ${describeRun(previous)}\n`);
    for (const c of previous.changes.filter((x) => x.state === 'in_doubt'))
      io.stderr(`  in doubt: ${c.entity} ${c.key} (${c.action}); re-planned from what ChirpStack holds\n`);
  }
  const abort = new AbortController();
  const timer = setInterval(() => {
    lock.renew().catch((error: unknown) => {
      io.stderr(`${(error as Error).message}\n`);
      abort.abort(error);
    });
  }, ttlMs / 3);
  timer.unref();
  return {
    lock,
    signal: abort.signal,
    recorder: (o) =>
      cs.startRun({
        path: paths.journal,
        owner,
        host: hostname(),
        lockGeneration: lock.holder.generation,
        beforeChange: () => lock.check(),
        ...o,
      }),
    async close() {
      clearInterval(timer);
      await lock.release();
    },
  };
}

/** `fieldops chirpstack journal`: the runs of a site, newest last. */
export async function journalCommand(values: Values, cs: Cs, io: CliIo): Promise<number> {
  const runs = await cs.readRunJournal(guardPaths(values, io).journal);
  const last = values.all ? runs : runs.slice(-10);
  if (values.json) io.stdout(`${JSON.stringify(last, null, 2)}\n`);
  else {
    if (last.length === 0) io.stdout('no apply recorded\n');
    for (const r of last) {
      io.stdout(`${describeRun(r)}\n`);
      for (const c of r.changes)
        io.stdout(`  ${c.state.padEnd(8)} ${c.entity} ${c.key} (${c.action})${c.code ? ` ${c.code}` : ''}\n`);
    }
  }
  return 0;
}
