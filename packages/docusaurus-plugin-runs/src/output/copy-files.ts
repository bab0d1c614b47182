import { constants } from 'node:fs';
import { link, lstat, mkdir, open, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapConcurrent } from '../content/concurrency.js';
import { InvalidBundleError } from '../errors.js';
import type { FileCopy, FileWrite } from '../routes.js';

const LINK_MESSAGE = 'is a symbolic link: a KB page publishes only files inside its bundle';
// Where a hard link cannot be made (another file system, a file system without links), the file
// is copied instead.
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** What publishing one file did. */
export type PublishOutcome = 'unchanged' | 'linked' | 'copied';

/**
 * Copies one bundle file into the build output. The source is opened with `O_NOFOLLOW`, so a file
 * swapped for a symbolic link after the bundle was checked is refused rather than published.
 */
export async function copyBundleFile(from: string, to: string): Promise<void> {
  const source = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ELOOP') throw new InvalidBundleError(from, LINK_MESSAGE);
      throw e;
    },
  );
  try {
    await mkdir(path.dirname(to), { recursive: true });
    await writeFile(to, await source.readFile());
  } finally {
    await source.close();
  }
}

/**
 * Publishes one bundle file at `to`, doing nothing when `to` already is that file (a hard link made
 * by an earlier build) or a copy of it (same size and mtime). Otherwise a hard link, or a copy where
 * links are impossible. A source that is a symbolic link is refused, also one swapped in after the
 * check: `link()` does not follow links, and the result is checked.
 */
export async function publishBundleFile(from: string, to: string): Promise<PublishOutcome> {
  return publishOne(from, path.resolve(to), rootedAt(path.dirname(path.resolve(to))));
}

// Publishing is tens of thousands of tiny metadata calls (20,000 archived runs: 60,000 files), so
// each file costs as few as possible: the link first (an existing file is compared only on
// EEXIST), one lstat of the result, and each directory made once per publish (`made`). Several
// run at once: a link waits on the file system's journal, and the waits overlap.
// A MadeDirs whose walk up stops at `root` (made recursively, once).
function rootedAt(root: string, made: MadeDirs = new Map()): MadeDirs {
  if (!made.has(root)) made.set(root, mkdir(root, { recursive: true }));
  return made;
}

/** Makes `dir` (and its parents) once per publish: `made` remembers what was made or found. */
export function ensureOutputDir(dir: string, made: MadeDirs): Promise<unknown> {
  return ensureDir(dir, made);
}

function ensureDir(dir: string, made: MadeDirs): Promise<unknown> {
  let done = made.get(dir);
  if (!done) {
    // Parent first (once per publish), then one mkdir: a recursive mkdir of a new run's folder
    // would try the whole path and walk up and down again (several calls per run).
    const parent = path.dirname(dir);
    done = (parent === dir ? Promise.resolve() : ensureDir(parent, made)).then(() =>
      mkdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      }),
    );
    made.set(dir, done);
  }
  return done;
}

async function publishOne(from: string, to: string, made: MadeDirs): Promise<PublishOutcome> {
  await ensureDir(path.dirname(to), made);
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return replaceExisting(from, to);
    if (!NO_LINK.has(code)) throw error;
    return copyInstead(from, to);
  }
  return checkLinked(from, to);
}

// `to` exists: unchanged when it is the source's inode (an earlier build's link) or a copy of it
// (same size and mtime); otherwise replaced.
async function replaceExisting(from: string, to: string): Promise<PublishOutcome> {
  const src = await lstat(from);
  if (src.isSymbolicLink()) throw new InvalidBundleError(from, LINK_MESSAGE);
  const dst = await lstat(to);
  if (dst.isFile() && dst.ino === src.ino && dst.dev === src.dev) return 'unchanged';
  if (dst.isFile() && dst.nlink === 1 && dst.size === src.size && dst.mtimeMs === src.mtimeMs) {
    return 'unchanged';
  }
  await rm(to, { force: true });
  try {
    await link(from, to);
  } catch (error) {
    if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return copyInstead(from, to);
  }
  return checkLinked(from, to);
}

// `link()` makes a link to a symbolic link itself (it does not follow it): such a result is removed
// and refused.
async function checkLinked(from: string, to: string): Promise<PublishOutcome> {
  if ((await lstat(to)).isSymbolicLink()) {
    await rm(to, { force: true });
    throw new InvalidBundleError(from, LINK_MESSAGE);
  }
  return 'linked';
}

// Where links are impossible: a copy (the source opened with O_NOFOLLOW), its mtime set to the
// source's so the next publish finds it unchanged.
async function copyInstead(from: string, to: string): Promise<PublishOutcome> {
  const src = await lstat(from);
  if (src.isSymbolicLink()) throw new InvalidBundleError(from, LINK_MESSAGE);
  await rm(to, { force: true });
  await copyBundleFile(from, to);
  await utimes(to, src.atime, src.mtime);
  return 'copied';
}

/**
 * The directories one publish made (or found), so each is made once: pass the same one to
 * `copyBundleFiles` and then `writeArchivePacks`.
 */
export type MadeDirs = Map<string, Promise<unknown>>;

/** Publishes bundle files into `outDir`, `limit` at a time; counts what each publish did. */
export async function copyBundleFiles(
  files: readonly FileCopy[],
  outDir: string,
  limit = 16,
  made: MadeDirs = new Map(),
): Promise<Record<PublishOutcome, number>> {
  const counts: Record<PublishOutcome, number> = { unchanged: 0, linked: 0, copied: 0 };
  const root = path.resolve(outDir);
  rootedAt(root, made);
  await mapConcurrent(files, limit, async (f) => {
    counts[await publishOne(f.from, path.join(root, f.to), made)]++;
  });
  return counts;
}

/** Writes the plugin's own files (run list pages as JSON) into `outDir`, `limit` at a time. */
export async function writeOutputFiles(
  writes: readonly FileWrite[],
  outDir: string,
  limit = 16,
  made: MadeDirs = new Map(),
): Promise<{ written: number }> {
  const root = path.resolve(outDir);
  rootedAt(root, made);
  await mapConcurrent(writes, limit, async (w) => {
    const to = path.join(root, w.to);
    await ensureDir(path.dirname(to), made);
    await writeFile(to, w.content);
  });
  return { written: writes.length };
}
