import { link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapConcurrent } from '../content/concurrency.js';
import { ARCHIVE_PACK_VERSION, type ArchivePackIndex } from '../props/archive-pack.js';
import type { ArchivePackGroup } from '../routes.js';
import { ensureOutputDir, type MadeDirs, publishBundleFile } from './copy-files.js';

/** Bytes after which a pack part is closed and the next begun (an entry is never split). */
export const ARCHIVE_PART_BYTES = 2 * 1024 * 1024;

/**
 * Writes each group's packs into `outDir`: its parts (`<YYYY-MM>.<n>.pack`, entries in the group's
 * order, a part closed past `partBytes`) and then its index (`<YYYY-MM>.json`). Entries are made
 * `limit` at a time and appended in order, so at most `limit` entries and one part are in memory.
 * With `cacheDir`, a group with a `cacheKey` is linked from `<cacheDir>/<cacheKey>/` when an earlier
 * build left it there, else written and then linked there; what this call did not use is removed
 * from `cacheDir`. Returns the files written (relative to `outDir`) per group, and the groups reused.
 */
export async function writeArchivePacks(
  groups: readonly ArchivePackGroup[],
  outDir: string,
  limit = 16,
  made: MadeDirs = new Map(),
  partBytes = ARCHIVE_PART_BYTES,
  cacheDir?: string,
): Promise<{ runs: number; reused: number; files: Map<ArchivePackGroup, string[]> }> {
  const root = path.resolve(outDir);
  if (!made.has(root)) made.set(root, mkdir(root, { recursive: true }));
  const files = new Map<ArchivePackGroup, string[]>();
  const used = new Set<string>();
  let runs = 0;
  let reused = 0;
  if (cacheDir) await mkdir(cacheDir, { recursive: true });
  for (const group of groups) {
    const dir = path.posix.dirname(group.index);
    const month = path.posix.basename(group.index, '.json');
    await ensureOutputDir(path.join(root, dir), made);
    const cached = cacheDir && group.cacheKey ? path.join(cacheDir, group.cacheKey) : undefined;
    if (cached) {
      used.add(group.cacheKey as string);
      const names = await readdir(cached).catch(() => undefined);
      if (names?.includes(`${month}.json`)) {
        for (const name of names)
          await publishBundleFile(path.join(cached, name), path.join(root, dir, name));
        files.set(
          group,
          names.map((name) => `${dir}/${name}`),
        );
        runs += group.entries.length;
        reused++;
        continue;
      }
    }
    const index: ArchivePackIndex = { v: ARCHIVE_PACK_VERSION, parts: [], runs: {} };
    const written: string[] = [];
    let chunks: Buffer[] = [];
    let size = 0;
    const closePart = async () => {
      if (chunks.length === 0) return;
      const name = `${month}.${index.parts.length + 1}.pack`;
      await writeFile(path.join(root, dir, name), Buffer.concat(chunks, size));
      written.push(`${dir}/${name}`);
      index.parts.push(name);
      chunks = [];
      size = 0;
    };
    for (let start = 0; start < group.entries.length; start += limit) {
      const window = group.entries.slice(start, start + limit);
      const made = await mapConcurrent(window, limit, (e) => e.make());
      for (const [i, pieces] of made.entries()) {
        const bytes = pieces.reduce((a, b) => a + b.length, 0);
        if (size > 0 && size + bytes > partBytes) await closePart();
        index.runs[(window[i] as ArchivePackGroup['entries'][number]).id] = [
          index.parts.length,
          size,
          pieces.map((p) => p.length),
        ];
        chunks.push(...pieces);
        size += bytes;
        runs++;
      }
    }
    await closePart();
    await writeFile(path.join(root, group.index), JSON.stringify(index));
    written.push(group.index);
    files.set(group, written);
    if (cached) await keepInCache(root, written, cached);
  }
  if (cacheDir) {
    for (const name of await readdir(cacheDir)) {
      if (!used.has(name)) await rm(path.join(cacheDir, name), { recursive: true, force: true });
    }
  }
  return { runs, reused, files };
}

// Links a group's written files into the cache (a temporary folder renamed into place, so a build
// killed midway leaves no partial pack). The cache is an optimisation: a failure here only means
// the next build writes the pack again.
async function keepInCache(root: string, written: readonly string[], cached: string): Promise<void> {
  const tmp = `${cached}.${process.pid}.tmp`;
  try {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    for (const file of written) await link(path.join(root, file), path.join(tmp, path.posix.basename(file)));
    await rename(tmp, cached);
  } catch {
    await rm(tmp, { recursive: true, force: true });
  }
}
