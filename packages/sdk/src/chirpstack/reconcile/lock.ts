import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Clock, FieldopsError, sleep } from '@fieldops/core';
import { dateSource } from '../../internal/clock.js';

// One apply per site at a time (issue 16 item 6, decision 0030). The lock is a series of files
// `gen-<n>.json` in a directory: holding generation n means having created `gen-<n>.json` with
// O_EXCL, which exactly one process can do. A holder renews by rewriting its own file (atomic
// rename); a lock whose expiry passed (the holder died: SIGKILL leaves the file behind) is taken
// over by creating generation n+1, never by touching the old file. A holder that finds n+1 exists
// has lost the lock (it stalled past its expiry) and must stop writing: the generation is a fencing
// token, checked before every change.

/** What the lock file says about its holder. */
export interface LockHolder {
  /** Who: `user@host` or what the caller passes (`--owner`). */
  owner: string;
  pid: number;
  host: string;
  /** A random id of this acquisition. */
  token: string;
  generation: number;
  acquired_at: string;
  expires_at: string;
  /** Set when the holder let go; the next apply takes the next generation at once. */
  released_at?: string;
}

/** Thrown when another apply holds the site's lock. */
export class SiteLockedError extends FieldopsError {
  override readonly name = 'SiteLockedError';
  constructor(
    readonly site: string,
    readonly holder: LockHolder,
  ) {
    super(
      'locked',
      `chirpstack apply: site ${site} is locked by ${holder.owner} (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}, expires ${holder.expires_at}); wait, or retry with --wait`,
    );
  }
}

/** Thrown when a holder finds it lost its lock (it stalled past the expiry and was taken over). */
export class SiteLockLostError extends FieldopsError {
  override readonly name = 'SiteLockLostError';
  constructor(site: string, holder: LockHolder | undefined) {
    super(
      'lock_lost',
      `chirpstack apply: the lock on site ${site} expired and was taken over${holder ? ` by ${holder.owner} (pid ${holder.pid} on ${holder.host})` : ''}; stopped before the next change`,
    );
  }
}

/** A held lock. */
export interface HeldLock {
  readonly holder: LockHolder;
  /** Extends the expiry; throws {@link SiteLockLostError} when the lock was taken over. */
  renew(): Promise<void>;
  /** Throws {@link SiteLockLostError} when this holder no longer holds the lock. Cheap: one readdir. */
  check(): Promise<void>;
  /** Lets go (idempotent). */
  release(): Promise<void>;
}

/** Options of {@link acquireSiteLock}. */
export interface SiteLockOptions {
  /** The directory of this site's lock (e.g. `.fieldops/locks/<site>`). */
  dir: string;
  /** The site, for messages. */
  site: string;
  owner: string;
  /** How long the lock lasts without a renewal (default 60 s). */
  ttlMs?: number;
  /** Wait up to this long for a live lock to be released or to expire (default 0: fail at once). */
  waitMs?: number;
  /** Poll interval while waiting (default 250 ms). */
  pollMs?: number;
  /** The clock (core's `Clock`) of the time stamps; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

const FILE = /^gen-(\d+)\.json$/;
const name = (generation: number) => `gen-${String(generation).padStart(12, '0')}.json`;

async function newest(dir: string): Promise<{ generation: number; holder?: LockHolder }> {
  let files: string[] = [];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let generation = 0;
  for (const f of files) {
    const m = FILE.exec(f);
    if (m) generation = Math.max(generation, Number(m[1]));
  }
  if (generation === 0) return { generation };
  try {
    const holder = JSON.parse(await readFile(join(dir, name(generation)), 'utf8')) as LockHolder;
    return { generation, holder };
  } catch {
    // Created but not yet written (O_EXCL create, then write), or cut short: a live holder is
    // writing it right now. Treated as held, without details, for one poll.
    return { generation };
  }
}

/**
 * Takes the site's apply lock: one holder at a time across processes on this host (or on hosts
 * sharing the directory), surviving the death of its holder until its expiry, then taken over.
 * Throws {@link SiteLockedError} naming the holder when it is held and `waitMs` passes.
 */
export async function acquireSiteLock(options: SiteLockOptions): Promise<HeldLock> {
  const ttl = options.ttlMs ?? 60_000;
  const now = dateSource(options);
  const deadline = Date.now() + (options.waitMs ?? 0);
  await mkdir(options.dir, { recursive: true });
  for (;;) {
    const { generation, holder } = await newest(options.dir);
    const free =
      generation === 0 ||
      (holder && (holder.released_at || Date.parse(holder.expires_at) <= now().getTime()));
    if (free) {
      const mine: LockHolder = {
        owner: options.owner,
        pid: process.pid,
        host: hostname(),
        token: randomUUID(),
        generation: generation + 1,
        acquired_at: now().toISOString(),
        expires_at: new Date(now().getTime() + ttl).toISOString(),
      };
      try {
        await writeFile(join(options.dir, name(mine.generation)), JSON.stringify(mine), { flag: 'wx' });
        await prune(options.dir, mine.generation);
        return held(options, mine, ttl, now);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // Someone else took this generation first: look again.
        continue;
      }
    }
    if (Date.now() >= deadline) {
      const shown = holder ?? {
        owner: 'unknown (being written)',
        pid: 0,
        host: '?',
        token: '',
        generation,
        acquired_at: '?',
        expires_at: '?',
      };
      throw new SiteLockedError(options.site, shown);
    }
    await sleep(options.pollMs ?? 250);
  }
}

/** Old generations are history only: keep the last few for `who held it` questions. */
async function prune(dir: string, current: number): Promise<void> {
  for (const f of await readdir(dir)) {
    const m = FILE.exec(f);
    if (m && Number(m[1]) < current - 4) await unlink(join(dir, f)).catch(() => undefined);
  }
}

function held(options: SiteLockOptions, start: LockHolder, ttl: number, now: () => Date): HeldLock {
  let holder = start;
  let released = false;
  const path = join(options.dir, name(holder.generation));
  const check = async () => {
    const latest = await newest(options.dir);
    if (released || latest.generation !== holder.generation)
      throw new SiteLockLostError(options.site, latest.holder);
  };
  const write = async (next: LockHolder) => {
    const tmp = `${path}.${holder.token}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, path);
    holder = next;
  };
  return {
    get holder() {
      return holder;
    },
    check,
    async renew() {
      await check();
      await write({ ...holder, expires_at: new Date(now().getTime() + ttl).toISOString() });
    },
    async release() {
      if (released) return;
      const latest = await newest(options.dir);
      if (latest.generation === holder.generation)
        await write({ ...holder, released_at: now().toISOString() });
      released = true;
    },
  };
}
