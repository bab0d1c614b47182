import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidBundleError, loadRuns } from '../src/index.js';
import { copyBundleFile } from '../src/output/copy-files.js';
import { copyFixture, editJson, FAILED_DIR, OPTIONS, RUN_IDS } from './helpers.js';

// Issue 11 item 2: a symbolic link inside a bundle (a file or a directory, pointing outside the
// bundle) must never be read into a page or copied into the build. Each case below loaded (and
// published the outside file) before the fix.

const outside: string[] = [];
afterEach(async () => {
  await Promise.all(outside.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A folder outside the KB with a valid NDJSON log and a "secret" text file in it. */
async function outsideFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'outside-bundle-'));
  outside.push(dir);
  const line = { ts: '2026-11-24T09:00:00Z', level: 'info', msg: 'OUTSIDE-THE-BUNDLE' };
  await writeFile(path.join(dir, 'health.ndjson'), `${JSON.stringify(line)}\n`);
  await writeFile(path.join(dir, 'passwd'), 'root:x:0:0:OUTSIDE-THE-BUNDLE\n');
  return dir;
}

async function loadError(siteDir: string): Promise<InvalidBundleError> {
  const error = await loadRuns(OPTIONS, { siteDir, warn: () => {} }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidBundleError);
  return error as InvalidBundleError;
}

describe('a bundle file that is a symbolic link', () => {
  it('fails the build naming the linked log file', async () => {
    const [site, out] = [await copyFixture(), await outsideFolder()];
    const log = path.join(site, 'kb', FAILED_DIR, 'logs/health.ndjson');
    await rm(log);
    await symlink(path.join(out, 'health.ndjson'), log);
    const error = await loadError(site);
    expect(error.file).toBe(log);
    expect(error.message).toContain(`${log}: is a symbolic link`);
  });

  it('fails the build naming a linked logs directory', async () => {
    const [site, out] = [await copyFixture(), await outsideFolder()];
    const logs = path.join(site, 'kb', FAILED_DIR, 'logs');
    await rename(logs, `${logs}-real`);
    await writeFile(path.join(out, 'deploy-chirpstack.ndjson'), '');
    await symlink(out, logs);
    expect((await loadError(site)).file).toBe(logs);
  });

  it('refuses a linked artifact, snapshot, postmortem and run.json', async () => {
    const cases: [string, (dir: string, out: string) => Promise<string>][] = [
      [
        'artifact',
        async (dir, out) => {
          await editJson(path.join(dir, 'run.json'), (b) => {
            (b.artifacts as unknown[]).push({ name: 'passwd', path: 'artifacts/passwd' });
          });
          await mkdir(path.join(dir, 'artifacts'));
          await symlink(path.join(out, 'passwd'), path.join(dir, 'artifacts/passwd'));
          return path.join(dir, 'artifacts/passwd');
        },
      ],
      [
        'snapshot',
        async (dir) => {
          const file = path.join(dir, 'snapshots/chirpstack-env.json');
          await rename(file, path.join(dir, 'real.json'));
          await symlink(path.join(dir, 'real.json'), file); // even a link that stays inside
          return file;
        },
      ],
      [
        'postmortem',
        async (dir) => {
          const file = path.join(dir, 'postmortem.md');
          await rename(file, path.join(dir, '..', 'pm.md'));
          await symlink(path.join(dir, '..', 'pm.md'), file);
          return file;
        },
      ],
      [
        'run.json',
        async (dir, out) => {
          const file = path.join(dir, 'run.json');
          await rename(file, path.join(out, 'run.json'));
          await symlink(path.join(out, 'run.json'), file);
          return file;
        },
      ],
    ];
    for (const [name, link] of cases) {
      const [site, out] = [await copyFixture(), await outsideFolder()];
      const file = await link(path.join(site, 'kb', FAILED_DIR), out);
      const error = await loadError(site);
      expect({ name, file: error.file, link: error.message.includes('is a symbolic link') }).toEqual({
        name,
        file,
        link: true,
      });
    }
  });

  it('reports a linked run directory instead of following it', async () => {
    const site = await copyFixture();
    const bundle = path.join(site, 'kb', FAILED_DIR);
    const hidden = path.join(site, 'elsewhere');
    await rename(bundle, hidden);
    await symlink(hidden, bundle);
    expect((await loadError(site)).file).toBe(bundle);
  });

  it("skips the bundle with a warning naming the file when onInvalidBundle is 'warn'", async () => {
    const [site, out] = [await copyFixture(), await outsideFolder()];
    const log = path.join(site, 'kb', FAILED_DIR, 'logs/health.ndjson');
    await rm(log);
    await symlink(path.join(out, 'health.ndjson'), log);
    const warn = vi.fn();
    const content = await loadRuns({ ...OPTIONS, onInvalidBundle: 'warn' }, { siteDir: site, warn });
    expect(content.runs.map((r) => r.run.automation_run_id)).not.toContain(RUN_IDS.failed);
    expect(JSON.stringify(content.runs)).not.toContain('OUTSIDE-THE-BUNDLE');
    expect(content.skipped).toEqual([{ file: log, message: expect.stringContaining('symbolic link') }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(log));
  });

  it('will not copy a file swapped for a link after loading', async () => {
    const out = await outsideFolder();
    const link = path.join(out, 'swapped.ndjson');
    await symlink(path.join(out, 'passwd'), link);
    await expect(copyBundleFile(link, path.join(out, 'copy.ndjson'))).rejects.toThrow(/symbolic link/);
  });
});
