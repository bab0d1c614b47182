import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidBundleError } from '../errors.js';

// A KB page publishes a bundle's files (their text on the page, the file itself next to it). A
// symbolic link inside a bundle could publish `/etc/passwd` or another folder, so no component of a
// path inside a bundle may be a link, and the real path must stay inside the bundle's real path.
// Hard links cannot be told apart from ordinary files and are accepted.

const LINK = 'is a symbolic link: a KB page publishes only files inside its bundle';

/** Resolves a bundle-relative path lexically, refusing anything that would leave the bundle directory. */
export function resolveInBundle(dir: string, relative: string, file: string): string {
  const resolved = path.resolve(dir, relative);
  if (resolved !== dir && !resolved.startsWith(dir + path.sep)) {
    throw new InvalidBundleError(file, `path ${JSON.stringify(relative)} leaves the bundle directory`);
  }
  return resolved;
}

/**
 * Resolves a bundle-relative path and checks it on disk: no component is a symbolic link, the real
 * path stays inside the bundle, and an existing target is a regular file. A missing file is returned
 * as is (the caller reports it). Errors name the offending file: the link itself when there is one.
 */
export async function resolveBundleFile(dir: string, relative: string, file: string): Promise<string> {
  const resolved = resolveInBundle(dir, relative, file);
  const parts = path.relative(dir, resolved).split(path.sep);
  let at = dir;
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    const info = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw new InvalidBundleError(at, `cannot read the file (${e.code})`, { cause: e });
    });
    if (!info) return resolved;
    if (info.isSymbolicLink()) throw new InvalidBundleError(at, LINK);
    const last = i === parts.length - 1;
    if (last && !info.isFile()) throw new InvalidBundleError(at, 'is not a regular file');
    if (!last && !info.isDirectory()) return resolved;
  }
  const [realDir, realFile] = await Promise.all([realpath(dir), realpath(resolved)]);
  if (!realFile.startsWith(realDir + path.sep)) {
    throw new InvalidBundleError(resolved, 'resolves to a path outside its bundle');
  }
  return resolved;
}

/** Checks that a file the plugin reads directly (`run.json`) is a regular file, not a link. */
export async function assertPlainFile(file: string): Promise<void> {
  const info = await lstat(file).catch(() => undefined);
  if (info?.isSymbolicLink()) throw new InvalidBundleError(file, LINK);
  if (info && !info.isFile()) throw new InvalidBundleError(file, 'is not a regular file');
}

/** The message used for a symbolic link found where a bundle directory was expected. */
export const SYMLINK_MESSAGE = LINK;
