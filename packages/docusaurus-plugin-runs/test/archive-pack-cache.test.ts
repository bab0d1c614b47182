import { appendFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRoutes, buildRunPaths, DEFAULT_OPTIONS, loadRuns, writeArchivePacks } from '../src/index.js';
import { copyFixture, FAILED_DIR, OPTIONS, settle } from './helpers.js';

const ARCHIVE_ALL = {
  ...DEFAULT_OPTIONS.retention,
  lastPerProject: 0,
  failed: false,
  withPostmortem: false,
  withTicket: false,
  previousOfKept: false,
};

describe('packs of archived runs kept between builds', { timeout: 60_000 }, () => {
  it('are reused by a build whose runs did not change, and written again when one did', async () => {
    const site = await copyFixture();
    await settle();
    const paths = buildRunPaths('/', 'runs');
    const packs = path.join(site, 'packs');
    const build = async (out: string) => {
      const content = await loadRuns(
        { ...OPTIONS, retention: ARCHIVE_ALL, cacheDir: 'cache' },
        { siteDir: site },
      );
      const { archives } = buildRoutes(content, { title: 'Runs', logPageSize: 500 }, paths);
      const result = await writeArchivePacks(archives, path.join(site, out), 4, new Map(), 1_000, packs);
      const files = [...result.files.values()].flat().sort();
      const bytes = await Promise.all(files.map((f) => readFile(path.join(site, out, f))));
      return { result, files, bytes, keys: archives.map((a) => a.cacheKey) };
    };
    const first = await build('out1');
    expect(first.keys.every((k) => typeof k === 'string')).toBe(true);
    expect(first.result.reused).toBe(0);
    expect(first.files.length).toBeGreaterThan(2);
    expect(await readdir(packs)).toEqual(first.keys);

    // The next build (a new process would load the same from the validation cache): same packs, linked.
    const second = await build('out2');
    expect(second.keys).toEqual(first.keys);
    expect(second.result.reused).toBe(1);
    expect(second.files).toEqual(first.files);
    expect(second.bytes).toEqual(first.bytes);

    // A log of one run changes: its month is written again, the old pack leaves the cache.
    await appendFile(
      path.join(site, 'kb', FAILED_DIR, 'logs/health.ndjson'),
      `${JSON.stringify({ ts: '2026-11-24T09:00:09.000Z', level: 'info', msg: 'one more line' })}\n`,
    );
    await settle();
    const third = await build('out3');
    expect(third.keys).not.toEqual(first.keys);
    expect(third.result.reused).toBe(0);
    expect(third.bytes.some((b) => b.includes('one more line'))).toBe(true);
    expect(await readdir(packs)).toEqual(third.keys);

    // Without a validation cache no run has a version: nothing is kept.
    const content = await loadRuns({ ...OPTIONS, retention: ARCHIVE_ALL }, { siteDir: site });
    const { archives } = buildRoutes(content, { title: 'Runs', logPageSize: 500 }, paths);
    expect(archives.map((a) => a.cacheKey)).toEqual([undefined]);
  });
});
