import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapConcurrent } from '../content/concurrency.js';
import { ARCHIVE_PACK_VERSION, type ArchivePackIndex } from '../props/archive-pack.js';
import type { ArchivePackGroup } from '../routes.js';
import { ensureOutputDir, type MadeDirs } from './copy-files.js';

/** Bytes after which a pack part is closed and the next begun (an entry is never split). */
export const ARCHIVE_PART_BYTES = 2 * 1024 * 1024;

/**
 * Writes each group's packs into `outDir`: its parts (`<YYYY-MM>.<n>.pack`, entries in the group's
 * order, a part closed past `partBytes`) and then its index (`<YYYY-MM>.json`). Entries are made
 * `limit` at a time and appended in order, so at most `limit` entries and one part are in memory.
 * Returns the files written (relative to `outDir`), per group.
 */
export async function writeArchivePacks(
  groups: readonly ArchivePackGroup[],
  outDir: string,
  limit = 16,
  made: MadeDirs = new Map(),
  partBytes = ARCHIVE_PART_BYTES,
): Promise<{ runs: number; files: Map<ArchivePackGroup, string[]> }> {
  const root = path.resolve(outDir);
  if (!made.has(root)) made.set(root, mkdir(root, { recursive: true }));
  const files = new Map<ArchivePackGroup, string[]>();
  let runs = 0;
  for (const group of groups) {
    const dir = path.posix.dirname(group.index);
    const month = path.posix.basename(group.index, '.json');
    await ensureOutputDir(path.join(root, dir), made);
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
  }
  return { runs, files };
}
