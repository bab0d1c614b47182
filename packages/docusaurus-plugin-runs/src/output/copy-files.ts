import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  return publishOne(from, to, new Set());
}

// Synchronous calls: publishing is tens of thousands of tiny metadata calls (link, lstat, mkdir),
// where a promise and a thread-pool hop per call cost more than the call itself (20,000 archived
// runs: 60,000 files). `made` holds the directories already created by this publish.
function publishOne(from: string, to: string, made: Set<string>): PublishOutcome {
  const dir = path.dirname(to);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return replaceExisting(from, to);
    if (!NO_LINK.has(code)) throw error;
    return copyInstead(from, to);
  }
  return checkLinked(from, to, 'linked');
}

// `to` exists: unchanged when it is the source's inode (an earlier build's link) or a copy of it
// (same size and mtime); otherwise replaced.
function replaceExisting(from: string, to: string): PublishOutcome {
  const src = lstatSync(from);
  if (src.isSymbolicLink()) throw new InvalidBundleError(from, LINK_MESSAGE);
  const dst = lstatSync(to);
  if (dst.isFile() && dst.ino === src.ino && dst.dev === src.dev) return 'unchanged';
  if (dst.isFile() && dst.nlink === 1 && dst.size === src.size && dst.mtimeMs === src.mtimeMs) {
    return 'unchanged';
  }
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch (error) {
    if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return copyInstead(from, to);
  }
  return checkLinked(from, to, 'linked');
}

// `link()` makes a link to a symbolic link itself (it does not follow it): such a result is removed
// and refused.
function checkLinked(from: string, to: string, outcome: PublishOutcome): PublishOutcome {
  if (lstatSync(to).isSymbolicLink()) {
    rmSync(to, { force: true });
    throw new InvalidBundleError(from, LINK_MESSAGE);
  }
  return outcome;
}

// Where links are impossible: a copy opened with O_NOFOLLOW, its mtime set to the source's (so the
// next publish finds it unchanged).
function copyInstead(from: string, to: string): PublishOutcome {
  let fd: number;
  try {
    fd = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new InvalidBundleError(from, LINK_MESSAGE);
    throw error;
  }
  try {
    const src = fstatSync(fd);
    rmSync(to, { force: true });
    writeFileSync(to, readFileSync(fd));
    utimesSync(to, src.atime, src.mtime);
  } finally {
    closeSync(fd);
  }
  return 'copied';
}

// Long loops of synchronous calls give the event loop a turn now and then (the dev server).
const YIELD_EVERY = 500;
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Publishes bundle files into `outDir`; counts what each publish did. */
export async function copyBundleFiles(
  files: readonly FileCopy[],
  outDir: string,
): Promise<Record<PublishOutcome, number>> {
  const counts: Record<PublishOutcome, number> = { unchanged: 0, linked: 0, copied: 0 };
  const made = new Set<string>();
  for (const [i, f] of files.entries()) {
    counts[publishOne(f.from, path.join(outDir, f.to), made)]++;
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldTurn();
  }
  return counts;
}

/**
 * Writes the plugin's own files (archived runs' `archive.json`) into `outDir`. Each content is made
 * when its turn comes (one in memory at a time) and a file that already has that content is left
 * alone.
 */
export async function writeOutputFiles(
  writes: readonly FileWrite[],
  outDir: string,
): Promise<{ written: number; unchanged: number }> {
  let written = 0;
  let unchanged = 0;
  const made = new Set<string>();
  for (const [i, w] of writes.entries()) {
    const to = path.join(outDir, w.to);
    const content = typeof w.content === 'function' ? w.content() : w.content;
    const dir = path.dirname(to);
    let old: string | undefined;
    try {
      old = readFileSync(to, 'utf8');
    } catch {
      old = undefined;
    }
    if (old === content) unchanged++;
    else {
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(to, content);
      written++;
    }
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldTurn();
  }
  return { written, unchanged };
}
