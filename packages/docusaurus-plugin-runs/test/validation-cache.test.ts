import { cp, lstat, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunsLoader, DEFAULT_OPTIONS, InvalidBundleError, type LoadRunsOptions } from '../src/index.js';
import { copyBundleFiles } from '../src/output/copy-files.js';
import { copyFixture, RUN_IDS, settle } from './helpers.js';

// The validation cache kept between builds (issue 19): a new loader is a new build; the cache lives
// in `cacheDir`. Runs the retention archives come from the cache unless one of their files changed.

const SUCCESS_DIR = `kb/projects/bkk-cold-chain/runs/2026-11-20/${RUN_IDS.success}`;
const LOG = `${SUCCESS_DIR}/logs/health.ndjson`;
// Only the newest run keeps a page: the two older ones are archived.
const OPTIONS: LoadRunsOptions = {
  path: 'kb',
  projects: [],
  onInvalidBundle: 'throw',
  maxLogLines: 20_000,
  concurrency: 4,
  cacheDir: 'cache',
  retention: {
    ...DEFAULT_OPTIONS.retention,
    lastPerProject: 1,
    failed: false,
    withPostmortem: false,
    withTicket: false,
    previousOfKept: false,
  },
};

const build = (site: string, options: LoadRunsOptions = OPTIONS) =>
  createRunsLoader().load(options, { siteDir: site, warn: () => {} });

// Rewrites a file with other bytes of the same length (so size alone cannot tell).
async function rewriteSameSize(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  expect(from.length).toBe(to.length);
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

describe('the validation cache between builds', { timeout: 60_000 }, () => {
  it('reuses archived runs validated by an earlier build and reads only the runs with pages', async () => {
    const site = await copyFixture();
    await settle();
    const first = await build(site);
    expect(first.stats).toMatchObject({ bundles: 3, read: 3, fromCache: 0, fullPages: 1 });
    const second = await build(site);
    expect(second.stats).toMatchObject({ bundles: 3, read: 1, reused: 2, fromCache: 2, fullPages: 1 });
    // The same content as a build that validated everything.
    const byId = (runs: typeof first.runs) =>
      Object.fromEntries(runs.map((r) => [r.run.automation_run_id, r]));
    expect(byId(second.runs)).toEqual(byId(first.runs));
  });

  it('re-validates a changed archived bundle: bad content is reported, not served from the cache', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    await rewriteSameSize(path.join(site, LOG), '"level": "info"', '"level": "INFO"');
    const error = await build(site).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidBundleError);
    expect((error as InvalidBundleError).message).toContain('health.ndjson:1');
  });

  it('keeps the archived runs a build published (their ctime moved by the links): no re-read, cache left alone', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    const file = path.join(site, 'cache/bundles.ndjson');
    const before = await stat(file);
    const text = await readFile(file, 'utf8');
    // What a build does with an archived run's files: hard links into the output, which is removed
    // before the next build. Both move the files' ctime (not their mtime, size or inode).
    const log = path.join(site, LOG);
    const ctime = (await stat(log)).ctimeMs;
    await new Promise((r) => setTimeout(r, 50));
    const out = path.join(site, 'build');
    await copyBundleFiles([{ from: log, to: 'runs/x/files/logs/health.ndjson' }], out);
    await rm(out, { recursive: true });
    expect((await stat(log)).ctimeMs).not.toBe(ctime);
    expect((await build(site)).stats).toMatchObject({ read: 1, fromCache: 2 });
    expect((await stat(file)).ino).toBe(before.ino);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('re-validates a bundle whose log became a symbolic link to the same bytes', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    const file = path.join(site, LOG);
    await cp(file, path.join(site, 'elsewhere.ndjson'));
    await rm(file);
    await symlink(path.join(site, 'elsewhere.ndjson'), file);
    await expect(build(site)).rejects.toThrow(/symbolic link/);
  });

  it('keeps a bundle whose files were only touched or copied afresh (a new clone): the hash decides', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(site, LOG), later, later);
    expect((await build(site)).stats).toMatchObject({ read: 1, fromCache: 2 });

    // A fresh copy of the KB and of the cache: new inodes, new mtimes, the same bytes.
    const clone = await copyFixture();
    await rm(path.join(clone, 'kb'), { recursive: true });
    await cp(path.join(site, 'kb'), path.join(clone, 'kb'), { recursive: true });
    await cp(path.join(site, 'cache'), path.join(clone, 'cache'), { recursive: true });
    const cloned = await build(clone);
    expect(cloned.stats).toMatchObject({ read: 1, fromCache: 2 });
    expect(cloned.runs.every((r) => r.dir.startsWith(clone))).toBe(true);
  });

  it('reads again a bundle whose files changed during the read that validated it', async () => {
    const site = await copyFixture();
    await settle();
    // A log written "after" the read started (its mtime is later): its bundle is not trusted.
    const future = new Date(Date.now() + 60_000);
    await utimes(path.join(site, LOG), future, future);
    expect((await build(site)).stats).toMatchObject({ read: 3 });
    expect((await build(site)).stats).toMatchObject({ read: 2, fromCache: 1 });
  });

  it('ignores a cache written with other options or damaged, and rewrites it', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    expect((await build(site, { ...OPTIONS, allowRemoteImages: true })).stats).toMatchObject({
      read: 3,
      fromCache: 0,
    });
    const file = path.join(site, 'cache/bundles.ndjson');
    await writeFile(file, `${(await readFile(file, 'utf8')).slice(0, 200)}\n{"broken`);
    expect((await build(site)).stats).toMatchObject({ read: 3, fromCache: 0 });
    expect((await build(site)).stats).toMatchObject({ read: 1, fromCache: 2 });
  });

  it('leaves the cache file alone when no bundle changed (the runs with pages are read, not rewritten)', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    const file = path.join(site, 'cache/bundles.ndjson');
    const before = await stat(file);
    const text = await readFile(file, 'utf8');
    expect((await build(site)).stats).toMatchObject({ read: 1, fromCache: 2 });
    // Written files are renamed into place: a rewrite would be a new inode.
    expect((await stat(file)).ino).toBe(before.ino);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('forgets a deleted bundle', async () => {
    const site = await copyFixture();
    await settle();
    await build(site);
    await rm(path.join(site, SUCCESS_DIR), { recursive: true });
    expect((await build(site)).stats).toMatchObject({ bundles: 2, fromCache: 1 });
    expect(await readFile(path.join(site, 'cache/bundles.ndjson'), 'utf8')).not.toContain(RUN_IDS.success);
  });
});

describe('publishing bundle files', { timeout: 60_000 }, () => {
  it('hard-links each file once; a second build finds it in place and writes nothing', async () => {
    const site = await copyFixture();
    const from = path.join(site, LOG);
    const out = path.join(site, 'build');
    const files = [{ from, to: 'runs/x/files/logs/health.ndjson' }];
    expect(await copyBundleFiles(files, out)).toEqual({ linked: 1, copied: 0, unchanged: 0 });
    const published = path.join(out, files[0]!.to);
    expect((await lstat(published)).ino).toBe((await lstat(from)).ino);
    expect(await copyBundleFiles(files, out)).toEqual({ linked: 0, copied: 0, unchanged: 1 });

    // A bundle file replaced by a new version (a new inode) is published again.
    const text = await readFile(from, 'utf8');
    await rm(from);
    await writeFile(from, `${text}\n`);
    expect(await copyBundleFiles(files, out)).toEqual({ linked: 1, copied: 0, unchanged: 0 });
    expect(await readFile(published, 'utf8')).toBe(`${text}\n`);
  });

  it('refuses a source that is a symbolic link', async () => {
    const site = await copyFixture();
    const target = path.join(site, 'secret.txt');
    await writeFile(target, 'secret');
    const from = path.join(site, 'link.ndjson');
    await symlink(target, from);
    await expect(copyBundleFiles([{ from, to: 'x/y.ndjson' }], path.join(site, 'build'))).rejects.toThrow(
      /symbolic link/,
    );
  });
});
