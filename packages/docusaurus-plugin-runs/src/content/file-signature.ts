import { createHash } from 'node:crypto';
import { createReadStream, lstatSync } from 'node:fs';
import path from 'node:path';

// What a bundle's validation depends on, per path inside the bundle: the kind of entry (a file, a
// directory, a symbolic link, nothing), and for files size, mtime, inode and a content hash (ctime
// is recorded, not compared: decision 0035). A stat says "unchanged" cheaply; when only the mtime
// or the inode moved (a fresh clone, a `touch`, a restore from a CI cache) the hash decides, so an
// untouched bundle is not validated again.

/** One path of a bundle as last seen: `[path, kind, size, mtimeMs, ctimeMs, ino, sha256 | '']`. */
export type FileSignature = [string, 'f' | 'd' | 'l' | '-' | 'o', number, number, number, number, string];

/** The bundle-relative paths a bundle's validation read: each file and the directories above it. */
export function signaturePaths(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('/'));
    out.add(f);
  }
  return [...out].sort();
}

// A file whose mtime or ctime is this close to (or after) the start of the read that validated it
// may have changed during that read: it is stored untrusted and read again next time (the margin
// covers coarse file-system timestamps).
const UNTRUSTED_MARGIN_MS = 1000;

/** sha256 of a file's bytes, streamed (a big log is never one buffer). */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * lstat of one bundle path as a signature; `withHash` also hashes a regular file. A file changed
 * after `readStartedAt` (less a margin) is signed untrusted: no mtime, no hash.
 */
export async function signPath(
  dir: string,
  rel: string,
  withHash: boolean,
  readStartedAt = Number.POSITIVE_INFINITY,
): Promise<FileSignature> {
  const sig = statPath(dir, rel, readStartedAt);
  if (withHash && sig[1] === 'f' && sig[3] !== -1) sig[6] = await hashFile(path.join(dir, rel));
  return sig;
}

// The signature without a hash. A synchronous lstat: checking 20,000 unchanged bundles is over
// 100,000 of them, where a promise and a thread-pool hop per call cost more than the call.
function statPath(dir: string, rel: string, readStartedAt = Number.POSITIVE_INFINITY): FileSignature {
  const info = lstatSync(path.join(dir, rel), { throwIfNoEntry: false });
  if (!info) return [rel, '-', 0, 0, 0, 0, ''];
  if (info.isSymbolicLink()) return [rel, 'l', 0, 0, 0, info.ino, ''];
  if (info.isDirectory()) return [rel, 'd', 0, 0, 0, info.ino, ''];
  if (!info.isFile()) return [rel, 'o', 0, 0, 0, info.ino, ''];
  if (Math.max(info.mtimeMs, info.ctimeMs) > readStartedAt - UNTRUSTED_MARGIN_MS) {
    return [rel, 'f', info.size, -1, info.ctimeMs, info.ino, ''];
  }
  return [rel, 'f', info.size, info.mtimeMs, info.ctimeMs, info.ino, ''];
}

/** Signs every path a bundle's validation depends on (hashing files when asked), after a read that started at `readStartedAt`. */
export function signBundle(
  dir: string,
  files: readonly string[],
  withHash: boolean,
  readStartedAt: number,
): Promise<FileSignature[]> {
  return Promise.all(signaturePaths(files).map((rel) => signPath(dir, rel, withHash, readStartedAt)));
}

/**
 * Whether the bundle on disk still matches `stored`. Same kind, size, mtime and inode: unchanged
 * without reading (ctime is not compared, see decision 0035). A file whose size matches but whose
 * mtime or inode moved is hashed and compared.
 * A directory only has to still be a directory (its mtime moves whenever a file is added). Returns
 * `stored` itself when every signature is as stored, the current signatures when only times or
 * inodes moved (so the caller can store them), `undefined` when the bundle changed.
 */
export async function verifySignatures(
  dir: string,
  stored: readonly FileSignature[],
): Promise<readonly FileSignature[] | undefined> {
  const current: FileSignature[] = [];
  let moved = false;
  for (const s of stored) {
    const now = statPath(dir, s[0]);
    if (now[1] !== s[1]) return undefined;
    if (now[1] !== 'f') {
      moved ||= now[5] !== s[5];
      current.push(now);
      continue;
    }
    if (now[2] !== s[2]) return undefined;
    if (s[3] === -1) return undefined; // untrusted: read again
    // Size, mtime and inode; not ctime: publishing hard-links these files into the build output,
    // and that link (and the output's removal before the next build) moves their ctime every build
    // (decision 0035).
    if (now[3] === s[3] && now[5] === s[5]) {
      now[6] = s[6];
      current.push(now);
      continue;
    }
    if (s[6] === '') return undefined;
    const hash = await hashFile(path.join(dir, s[0]));
    if (hash !== s[6]) return undefined;
    now[6] = hash;
    moved = true;
    current.push(now);
  }
  return moved ? current : stored;
}
