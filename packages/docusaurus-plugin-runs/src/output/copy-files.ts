import { constants } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapConcurrent } from '../content/concurrency.js';
import { InvalidBundleError } from '../errors.js';
import type { FileCopy, FileWrite } from '../routes.js';

/**
 * Copies one bundle file into the build output. The source is opened with `O_NOFOLLOW`, so a file
 * swapped for a symbolic link after the bundle was checked is refused rather than published.
 */
export async function copyBundleFile(from: string, to: string): Promise<void> {
  const source = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ELOOP') {
        throw new InvalidBundleError(
          from,
          'is a symbolic link: a KB page publishes only files inside its bundle',
        );
      }
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

/** Copies bundle files into `outDir`, several at a time. */
export async function copyBundleFiles(files: readonly FileCopy[], outDir: string, limit = 16): Promise<void> {
  await mapConcurrent(files, limit, (f) => copyBundleFile(f.from, path.join(outDir, f.to)));
}

/** Writes the plugin's own files (archived runs' `archive.json`) into `outDir`, several at a time. */
export async function writeOutputFiles(
  writes: readonly FileWrite[],
  outDir: string,
  limit = 16,
): Promise<void> {
  await mapConcurrent(writes, limit, async (w) => {
    const to = path.join(outDir, w.to);
    await mkdir(path.dirname(to), { recursive: true });
    await writeFile(to, w.content);
  });
}
