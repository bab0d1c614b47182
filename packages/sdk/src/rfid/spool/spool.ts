import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { FieldopsError } from '../../transport/errors.js';
import { decodeRecord, encodeRecord } from './record-format.js';

// A durable FIFO of JSON records in append-only segment files (`seg-<n>.log`) plus a `cursor.json`
// naming the first undelivered byte. Appends are acknowledged only after fdatasync; appends that
// arrive while a sync is running share the next one (group commit). See
// docs/decisions/0001-spool-group-commit.md for why it is built this way.

/** Options of {@link openSpool}. */
export interface SpoolOptions {
  /** Directory of the spool (created when missing). One process at a time (a lock file guards it). */
  dir: string;
  /** Bound on undelivered bytes on disk; an append beyond it rejects with SpoolFullError. Default 256 MiB. */
  maxBytes?: number;
  /** A segment is closed and a new one started past this size. Default 8 MiB. */
  segmentBytes?: number;
  /** Share one fdatasync among appends that arrive together (default true). False: one sync per append. */
  groupCommit?: boolean;
}

/** A position in the spool: segment number and byte offset. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

/** Records read from the head of the spool, and the position after them (pass it to `ack`). */
export interface SpoolBatch<T> {
  records: T[];
  end: SpoolPosition;
}

/** Counters of a spool. */
export interface SpoolStats {
  /** Undelivered bytes (framing included). */
  pendingBytes: number;
  /** Segment files on disk. */
  segments: number;
  /** fdatasync calls made for appends since open. */
  syncs: number;
  /** Records appended since open. */
  appended: number;
}

/** A durable, ordered, bounded queue of records on disk. */
export interface Spool<T> {
  /** Appends one record; resolves once it is on disk (fdatasync), rejects with SpoolFullError when full. */
  append(record: T): Promise<void>;
  /** Appends several records atomically with respect to the size bound; resolves once all are on disk. */
  appendMany(records: readonly T[]): Promise<void>;
  /** Reads up to `maxRecords` (and about `maxBytes`) from the head without removing them. */
  peek(maxRecords: number, maxBytes?: number): Promise<SpoolBatch<T>>;
  /** Marks everything before `end` delivered (durably) and deletes segments wholly before it. */
  ack(end: SpoolPosition): Promise<void>;
  /** The last record appended (also after a restart), or undefined when none is on disk. */
  lastRecord(): Promise<T | undefined>;
  /** Counters. */
  stats(): SpoolStats;
  /** Waits for pending appends, then closes files and releases the lock. */
  close(): Promise<void>;
}

/** The spool holds `maxBytes` of undelivered records: the backend has been unreachable too long. */
export class SpoolFullError extends FieldopsError {
  override name = 'SpoolFullError';
}

interface Segment {
  n: number;
  /** Bytes durably written (what readers may see). */
  size: number;
}

interface Waiter {
  frames: Buffer[];
  bytes: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const SEG_RE = /^seg-(\d{12})\.log$/;
const segName = (n: number) => `seg-${String(n).padStart(12, '0')}.log`;

/** Opens (or creates) a spool directory, recovering from a crash: a torn tail is cut off. */
export async function openSpool<T>(options: SpoolOptions): Promise<Spool<T>> {
  const dir = options.dir;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
  const group = options.groupCommit ?? true;
  await mkdir(dir, { recursive: true });
  await acquireLock(dir);

  const segments: Segment[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const m = SEG_RE.exec(name);
    if (m) segments.push({ n: Number(m[1]), size: (await stat(join(dir, name))).size });
  }
  let cursor: SpoolPosition = await readCursor(dir);
  // Segments wholly before the cursor were delivered; a crash may have left them behind.
  while (segments.length && segments[0]!.n < cursor.segment) {
    await rm(join(dir, segName(segments.shift()!.n)), { force: true });
  }
  // Only the newest segment can have a torn tail: cut it at the last whole record. Empty trailing
  // segments (a crash between create and first write) go too.
  while (segments.length) {
    const last = segments[segments.length - 1]!;
    const valid = validLength(await readFile(join(dir, segName(last.n))));
    if (valid < last.size) {
      const fh = await open(join(dir, segName(last.n)), 'r+');
      await fh.truncate(valid);
      await fh.datasync();
      await fh.close();
      last.size = valid;
    }
    if (last.size > 0 || segments.length === 1) break;
    await rm(join(dir, segName(last.n)), { force: true });
    segments.pop();
  }
  if (segments.length === 0 || segments[0]!.n > cursor.segment) {
    cursor = { segment: segments[0]?.n ?? cursor.segment, offset: 0 };
  }
  if (segments.length && cursor.segment === segments[0]!.n && cursor.offset > segments[0]!.size) {
    cursor = { segment: cursor.segment, offset: segments[0]!.size };
  }

  let active: { fh: FileHandle; seg: Segment } | undefined;
  let queue: Waiter[] = [];
  let queuedBytes = 0;
  let committing: Promise<void> | undefined;
  let closed = false;
  const stats = { syncs: 0, appended: 0 };

  const pendingBytes = () => {
    let total = 0;
    for (const s of segments) total += s.size;
    return total - (segments.length && segments[0]!.n === cursor.segment ? cursor.offset : 0);
  };

  async function openActive(): Promise<{ fh: FileHandle; seg: Segment }> {
    if (active) return active;
    let seg = segments[segments.length - 1];
    if (!seg || seg.size >= segmentBytes) {
      seg = { n: (seg?.n ?? cursor.segment - 1) + 1, size: 0 };
      if (seg.n < 1) seg.n = 1;
      segments.push(seg);
    }
    active = { fh: await open(join(dir, segName(seg.n)), 'a'), seg };
    return active;
  }

  async function rotate(): Promise<void> {
    if (!active) return;
    await active.fh.close();
    active = undefined;
    const last = segments[segments.length - 1]!;
    const seg = { n: last.n + 1, size: 0 };
    segments.push(seg);
    active = { fh: await open(join(dir, segName(seg.n)), 'a'), seg };
    // Make the new file's directory entry durable before anything in it is acknowledged.
    await syncDir(dir);
  }

  async function commit(): Promise<void> {
    while (queue.length) {
      const batch = group ? queue : queue.slice(0, 1);
      queue = group ? [] : queue.slice(1);
      const batchBytes = batch.reduce((s, w) => s + w.bytes, 0);
      let a: { fh: FileHandle; seg: Segment } | undefined;
      let written = 0;
      try {
        a = await openActive();
        let pending: Buffer[] = [];
        let pendingLen = 0;
        const isNew = a.seg.size === 0;
        for (const w of batch) {
          for (const f of w.frames) {
            if (
              a.seg.size + written + pendingLen + f.length > segmentBytes &&
              a.seg.size + written + pendingLen > 0
            ) {
              if (pending.length) await a.fh.writev(pending);
              written += pendingLen;
              await a.fh.datasync();
              a.seg.size += written;
              written = 0;
              pending = [];
              pendingLen = 0;
              await rotate();
              a = active!;
            }
            pending.push(f);
            pendingLen += f.length;
          }
        }
        if (pending.length) await a.fh.writev(pending);
        written += pendingLen;
        await a.fh.datasync();
        if (isNew) await syncDir(dir);
        stats.syncs += 1;
        a.seg.size += written;
        stats.appended += batch.reduce((s, w) => s + w.frames.length, 0);
        for (const w of batch) w.resolve();
      } catch (error) {
        // Leave no half-written record behind for the next append to follow.
        if (a) await a.fh.truncate(a.seg.size).catch(() => {});
        for (const w of batch) w.reject(error);
      } finally {
        // Counted as queued until they are counted in a segment (or failed), so the bound holds.
        queuedBytes -= batchBytes;
      }
    }
  }

  function schedule(): void {
    if (committing) return;
    committing = new Promise<void>((resolve) => setImmediate(resolve)).then(commit).finally(() => {
      committing = undefined;
      if (queue.length) schedule();
    });
  }

  function appendMany(records: readonly T[]): Promise<void> {
    if (closed) return Promise.reject(new FieldopsError('spool_closed', `rfid spool: ${dir} is closed`));
    if (records.length === 0) return Promise.resolve();
    const frames = records.map((r) => encodeRecord(Buffer.from(JSON.stringify(r))));
    const bytes = frames.reduce((s, f) => s + f.length, 0);
    if (pendingBytes() + queuedBytes + bytes > maxBytes) {
      return Promise.reject(
        new SpoolFullError(
          'spool_full',
          `rfid spool: full: ${pendingBytes() + queuedBytes} of ${maxBytes} bytes undelivered in ${dir}; ` +
            'events are not being delivered (is the backend reachable?)',
        ),
      );
    }
    queuedBytes += bytes;
    return new Promise<void>((resolve, reject) => {
      queue.push({ frames, bytes, resolve, reject });
      schedule();
    });
  }

  async function peek(maxRecords: number, maxBatchBytes = 1024 * 1024): Promise<SpoolBatch<T>> {
    const records: T[] = [];
    let pos = { ...cursor };
    let bytes = 0;
    for (const seg of segments) {
      if (seg.n < pos.segment) continue;
      if (seg.n > pos.segment) {
        if (pos.offset < (segments.find((s) => s.n === pos.segment)?.size ?? 0)) break;
        pos = { segment: seg.n, offset: 0 };
      }
      if (pos.offset >= seg.size) continue;
      const want = Math.min(seg.size - pos.offset, Math.max(maxBatchBytes * 2, 64 * 1024));
      const fh = await open(join(dir, segName(seg.n)), 'r');
      let buf: Buffer;
      try {
        buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(buf, 0, want, pos.offset);
        buf = buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
      let off = 0;
      while (records.length < maxRecords) {
        const rec = decodeRecord(buf, off);
        if (!rec) break;
        if (records.length > 0 && bytes + rec.payload.length > maxBatchBytes) break;
        records.push(JSON.parse(rec.payload.toString('utf8')) as T);
        bytes += rec.payload.length + 1;
        off = rec.end;
      }
      pos = { segment: seg.n, offset: pos.offset + off };
      if (records.length >= maxRecords || bytes >= maxBatchBytes || pos.offset < seg.size) break;
    }
    return { records, end: pos };
  }

  async function ack(end: SpoolPosition): Promise<void> {
    if (end.segment < cursor.segment || (end.segment === cursor.segment && end.offset <= cursor.offset))
      return;
    cursor = { ...end };
    await writeCursor(dir, cursor);
    while (segments.length > 1 && segments[0]!.n < cursor.segment) {
      const seg = segments.shift()!;
      await unlink(join(dir, segName(seg.n))).catch(() => {});
    }
  }

  async function lastRecord(): Promise<T | undefined> {
    await committing;
    for (let i = segments.length - 1; i >= 0; i--) {
      const seg = segments[i]!;
      if (seg.size === 0) continue;
      const buf = await readFile(join(dir, segName(seg.n)));
      let off = 0;
      let last: Buffer | undefined;
      for (;;) {
        const rec = decodeRecord(buf.subarray(0, seg.size), off);
        if (!rec) break;
        last = rec.payload;
        off = rec.end;
      }
      if (last) return JSON.parse(last.toString('utf8')) as T;
    }
    return undefined;
  }

  return {
    append: (record) => appendMany([record]),
    appendMany,
    peek,
    ack,
    lastRecord,
    stats: () => ({ pendingBytes: pendingBytes(), segments: segments.length, ...stats }),
    async close() {
      closed = true;
      while (committing) await committing;
      await active?.fh.close();
      active = undefined;
      await rm(join(dir, 'lock'), { force: true });
      HELD.delete(dir);
    },
  };
}

/** Length of the prefix of `buf` made of whole valid records. */
function validLength(buf: Buffer): number {
  let off = 0;
  for (;;) {
    const rec = decodeRecord(buf, off);
    if (!rec) return off;
    off = rec.end;
  }
}

async function readCursor(dir: string): Promise<SpoolPosition> {
  try {
    const c = JSON.parse(await readFile(join(dir, 'cursor.json'), 'utf8')) as SpoolPosition;
    if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) return c;
  } catch {}
  return { segment: 1, offset: 0 };
}

async function writeCursor(dir: string, cursor: SpoolPosition): Promise<void> {
  const tmp = join(dir, 'cursor.json.tmp');
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(cursor));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, 'cursor.json'));
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename / create is still atomic.
  } finally {
    await fh.close();
  }
}

// Spools open in this process (a lock file with our own pid that is not in here was left by an
// earlier process that had the same pid, e.g. pid 1 in a restarted container).
const HELD = new Set<string>();

// One process per spool: a lock file holding the owner's pid. A lock left by a process that no
// longer runs (SIGKILL) is taken over.
async function acquireLock(dir: string): Promise<void> {
  const path = join(dir, 'lock');
  if (HELD.has(dir))
    throw new FieldopsError('spool_locked', `rfid spool: ${dir} is already open in this process`);
  for (let i = 0; i < 2; i++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      HELD.add(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new FieldopsError('spool_locked', `rfid spool: ${dir} is in use by process ${pid}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new FieldopsError('spool_locked', `rfid spool: cannot lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
