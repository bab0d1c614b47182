import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadedRun } from '../types.js';
import type { FileSignature } from './file-signature.js';

// The validation cache kept between builds: one NDJSON file, a header line (format and a key of
// everything that changes what validation produces) then one line per bundle: its signatures and
// what reading it in archive mode gave (no log lines). Read and written as streams, one line at a
// time; written to a temporary file and renamed, so a build killed mid-write leaves the old cache.

// 2: archived runs keep no timeline and only their failed steps.
const FORMAT = 2;
const FILE_NAME = 'bundles.ndjson';
let writes = 0;

/** One bundle as validated by an earlier build. `dir` is relative to the KB root. */
export interface PersistedBundle {
  dir: string;
  files: readonly FileSignature[];
  /** The archive-mode read (log lines dropped), `dir` relative to the KB root. */
  run: LoadedRun;
  /** Warnings validation printed (repeated when the entry is reused). */
  warnings: string[];
}

const require = createRequire(import.meta.url);
function versionOf(pkg: string): string {
  try {
    return (require(pkg) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The key of a cache: the plugin's and the contracts' versions (the schemas validation used) and the
 * options that change a read. A cache with another key is ignored and rewritten.
 */
export function cacheKey(options: { allowRemoteImages: boolean }): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        FORMAT,
        versionOf('@fieldops/docusaurus-plugin-runs/package.json'),
        versionOf('@fieldops/contracts/package.json'),
        options.allowRemoteImages,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** Reads the cache of `cacheDir` into a map by bundle dir (relative); empty when absent, unreadable or of another key. */
export async function readBundleCache(cacheDir: string, key: string): Promise<Map<string, PersistedBundle>> {
  const out = new Map<string, PersistedBundle>();
  const stream = createReadStream(path.join(cacheDir, FILE_NAME), { encoding: 'utf8' });
  try {
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let header = true;
    for await (const line of rl) {
      if (header) {
        header = false;
        const h = JSON.parse(line) as { format?: number; key?: string };
        if (h.format !== FORMAT || h.key !== key) return new Map();
        continue;
      }
      const entry = JSON.parse(line) as PersistedBundle;
      out.set(entry.dir, entry);
    }
    return out;
  } catch {
    // No cache yet, or a damaged one: start from nothing (the bundles are validated again).
    return new Map();
  } finally {
    stream.destroy();
  }
}

/** Writes the cache (atomically: a temporary file renamed over the old one). */
export async function writeBundleCache(
  cacheDir: string,
  key: string,
  entries: Iterable<PersistedBundle>,
): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const file = path.join(cacheDir, FILE_NAME);
  const tmp = `${file}.${process.pid}.${++writes}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  try {
    const write = async (line: string) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    await write(JSON.stringify({ format: FORMAT, key }));
    for (const e of entries) await write(JSON.stringify(e));
    out.end();
    await once(out, 'finish');
    await rename(tmp, file);
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
