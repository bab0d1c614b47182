import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InvalidBundleError, loadRuns } from '../src/index.js';
import { copyFixture, editJson, FAILED_DIR, FIXTURES, OPTIONS, RUN_IDS } from './helpers.js';

const load = (
  siteDir: string,
  extra: Partial<typeof OPTIONS> & { onInvalidBundle?: 'throw' | 'warn' } = {},
  warn = vi.fn(),
) => loadRuns({ ...OPTIONS, ...extra }, { siteDir, warn });

async function loadError(siteDir: string): Promise<InvalidBundleError> {
  const error = await load(siteDir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidBundleError);
  return error as InvalidBundleError;
}

describe('loadRuns on valid bundles', () => {
  it('reads every bundle with its logs, snapshots and postmortem', async () => {
    const content = await load(FIXTURES, { path: 'kb-valid' });
    expect(content.skipped).toEqual([]);
    expect(content.runs.map((r) => r.run.automation_run_id).sort()).toEqual(Object.values(RUN_IDS).sort());
    const failed = content.runs.find((r) => r.run.automation_run_id === RUN_IDS.failed)!;
    expect(failed.run.status).toBe('failed');
    expect(failed.logs.map((l) => [l.slug, l.totalLines])).toEqual([
      ['deploy-chirpstack', 9],
      ['health', 6],
    ]);
    expect(failed.snapshots.map((s) => s.name)).toEqual(['chirpstack-env', 'gateway-bkk-wh3-01']);
    expect(failed.postmortem?.frontMatter.severity).toBe('high');
    expect(failed.postmortem?.html).toContain('<h2>Summary</h2>');
    expect(failed.postmortem?.html).toContain('<table>');
    expect(failed.postmortem?.text).toContain('firewall misconfiguration');
  });

  it('turns ANSI escapes into styled segments', async () => {
    const content = await load(FIXTURES, { path: 'kb-valid' });
    const failed = content.runs.find((r) => r.run.automation_run_id === RUN_IDS.failed)!;
    const fail = failed.logs[1]!.lines.find((l) => l.level === 'error')!;
    expect(fail.segments[0]).toEqual({ text: 'FAIL', fg: 'red', bold: true });
    expect(fail.segments.map((s) => s.text).join('')).toBe(
      'FAIL udp 10.20.3.11:1700: no reply within 5000 ms',
    );
  });

  it('keeps at most maxLogLines lines per log but counts them all', async () => {
    const content = await load(FIXTURES, { path: 'kb-valid', maxLogLines: 2 });
    const log = content.runs[0]!.logs[0]!;
    expect(log.lines).toHaveLength(2);
    expect(log.totalLines).toBe(9);
  });

  it('only loads the projects asked for', async () => {
    expect((await load(FIXTURES, { path: 'kb-valid', projects: ['other'] })).runs).toEqual([]);
    expect((await load(FIXTURES, { path: 'kb-valid', projects: ['bkk-cold-chain'] })).runs).toHaveLength(3);
  });

  it('redacts a secret-named value the writer left in clear, and warns', async () => {
    const site = await copyFixture();
    const canary = 'canary-Zx81-not-for-pages';
    await editJson(path.join(site, 'kb', FAILED_DIR, 'snapshots/chirpstack-env.json'), (s) => {
      (s.content as { env: Record<string, string> }).env.MQTT_PASSWORD = canary;
    });
    const warn = vi.fn();
    const content = await load(site, {}, warn);
    expect(JSON.stringify(content)).not.toContain(canary);
    const snap = content.runs.find((r) => r.run.automation_run_id === RUN_IDS.failed)!.snapshots[0]!;
    expect(snap.redactions).toContainEqual({ path: 'env.MQTT_PASSWORD', reason: 'key_name' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('env.MQTT_PASSWORD'));
    expect(warn.mock.calls.join('\n')).not.toContain(canary);
  });
});

describe('loadRuns on invalid bundles', () => {
  it('names the file, the contract and the field of a bad run.json', async () => {
    const site = await copyFixture();
    const file = path.join(site, 'kb', FAILED_DIR, 'run.json');
    await editJson(file, (b) => {
      (b.run as { status: string }).status = 'exploded';
    });
    const error = await loadError(site);
    expect(error.file).toBe(file);
    expect(error.contract).toBe('kb.v1.RunBundle');
    expect(error.message).toContain(`invalid run bundle ${file}: kb.v1.RunBundle: run.status:`);
    expect(error.message.startsWith('@fieldops/docusaurus-plugin-runs:')).toBe(true);
  });

  it('names the file and line of a bad log entry', async () => {
    const site = await copyFixture();
    const file = path.join(site, 'kb', FAILED_DIR, 'logs/health.ndjson');
    await appendFile(file, `${JSON.stringify({ ts: '2026-11-24T09:00:09Z', level: 'loud', msg: 'x' })}\n`);
    const error = await loadError(site);
    expect(error.file).toBe(`${file}:7`);
    expect(error.message).toContain(`${file}:7: kb.v1.LogEntry: level:`);
  });

  it('rejects a log line that is not JSON', async () => {
    const site = await copyFixture();
    const file = path.join(site, 'kb', FAILED_DIR, 'logs/health.ndjson');
    await appendFile(file, 'not json\n');
    expect((await loadError(site)).message).toContain(`${file}:7: not valid JSON`);
  });

  it('rejects a run id that does not match its directory', async () => {
    const site = await copyFixture();
    await editJson(path.join(site, 'kb', FAILED_DIR, 'run.json'), (b) => {
      (b.run as { automation_run_id: string }).automation_run_id = 'run_somethingelse';
    });
    expect((await loadError(site)).message).toContain(
      'run.automation_run_id: "run_somethingelse" does not match',
    );
  });

  it('rejects a log path that leaves the bundle', async () => {
    const site = await copyFixture();
    await editJson(path.join(site, 'kb', FAILED_DIR, 'run.json'), (b) => {
      (b.logs as { path: string }[])[0]!.path = '../../../../../../etc/passwd';
    });
    expect((await loadError(site)).message).toContain(
      'kb.v1.RunBundle: logs[0].path: expected a relative path',
    );
  });

  it('rejects a postmortem whose front matter breaks the contract', async () => {
    const site = await copyFixture();
    const file = path.join(site, 'kb', FAILED_DIR, 'postmortem.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('severity: high\n', ''));
    const error = await loadError(site);
    expect(error.file).toBe(file);
    expect(error.message).toContain('kb.v1.PostmortemFrontMatter: severity:');
  });

  it('rejects a missing snapshot file and a missing artifact', async () => {
    const site = await copyFixture();
    await editJson(path.join(site, 'kb', FAILED_DIR, 'run.json'), (b) => {
      (b.artifacts as unknown[]).push({ name: 'gone', path: 'artifacts/gone.txt' });
    });
    expect((await loadError(site)).message).toContain('artifacts[0].path: no file artifacts/gone.txt');
  });

  it('reports a directory that breaks the layout', async () => {
    const site = await copyFixture();
    await mkdir(path.join(site, 'kb/projects/bkk-cold-chain/runs/2026-11-24/not-a-run-id'));
    expect((await loadError(site)).message).toContain(
      'not-a-run-id: run directory is not an automation run id',
    );
  });

  it("skips bad bundles with a warning when onInvalidBundle is 'warn'", async () => {
    const site = await copyFixture();
    const file = path.join(site, 'kb', FAILED_DIR, 'run.json');
    await editJson(file, (b) => {
      b.bundle_version = 2;
    });
    const warn = vi.fn();
    const content = await load(site, { onInvalidBundle: 'warn' }, warn);
    expect(content.runs).toHaveLength(2);
    expect(content.skipped).toEqual([{ file, message: expect.stringContaining('bundle_version') }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(file));
  });
});

describe('hostile content', () => {
  it('keeps script and img payloads as text in the postmortem HTML', async () => {
    const content = await load(path.join(FIXTURES), { path: 'kb-xss' });
    const pm = content.runs[0]!.postmortem!;
    expect(pm.html).not.toMatch(/<script|<img|javascript:/i);
    expect(pm.html).toContain('&#x3C;script>window.__xss');
    expect(pm.html).toContain('&#x3C;img src=x onerror=');
    // The javascript: link keeps its text and loses its href.
    expect(pm.html).toContain('<a>click me</a>');
  });
});
