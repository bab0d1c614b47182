import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Health, SitePage } from '@fieldops/contracts/fleet/v1';
import { afterAll, describe, expect, it } from 'vitest';

// `fieldops-fleet serve`: the centre as a process, on an embedded PGlite directory.

const BIN = fileURLToPath(new URL('../bin/fieldops-fleet.js', import.meta.url));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(line);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  url.catch(() => undefined); // awaited by the tests that expect a URL; the others expect an exit
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('fieldops-fleet serve', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('serves the read-only view on a PGlite directory, asks for the token, stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-serve-'));
    dirs.push(dir);
    const p = start(['serve', '--pglite', dir, '--port', '0', '--token-env', 'CENTRE_TOKEN'], {
      CENTRE_TOKEN: 'serve-token-0123456789',
    });
    children.push(p.child);
    const url = await p.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Health.parse(await (await fetch(`${url}/api/v1/ready`)).json()).status).toBe('ok');
    expect((await fetch(`${url}/api/v1/sites`)).status).toBe(401);
    const sites = await fetch(`${url}/api/v1/sites`, {
      headers: { authorization: 'Bearer serve-token-0123456789' },
    });
    expect(SitePage.parse(await sites.json())).toEqual({ items: [], next_cursor: null });
    expect((await fetch(`${url}/api/v1/sites`, { method: 'DELETE' })).status).toBe(405);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output().stderr).toContain('"msg":"fleet centre listening"');
    expect(p.output().stderr).not.toContain('serve-token-0123456789');
  });

  it('refuses a bad command line with the usage and exit code 2', async () => {
    for (const args of [
      ['serve'],
      ['serve', '--pglite', '/tmp/x', '--postgres-env', 'PG'],
      ['serve', '--pglite', '/tmp/x', '--port', 'http'],
      ['run'],
    ]) {
      const p = start(args);
      expect(await p.exited, args.join(' ')).toBe(2);
      expect(p.output().stderr).toContain('Usage: fieldops-fleet serve');
    }
  });
});
