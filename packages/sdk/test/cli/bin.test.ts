// The built `fieldops` bin as a user runs it: version, help, closed pipes and structured logs on stderr.
// Runs dist/cli/main.js (build first: `pnpm --filter @fieldops/sdk build`).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeChirpStack } from '../../src/testing/chirpstack.js';

const BIN = join(import.meta.dirname, '../../dist/cli/main.js');
const VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;

function fieldops(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Spawns without blocking the event loop (the fake ChirpStack runs in this process). */
function fieldopsAsync(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('fieldops bin', () => {
  it('--version prints the package version', () => {
    const r = fieldops(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('--help lists the exit codes and the logging options', () => {
    const r = fieldops(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
    expect(r.stdout).toContain('--log-format json|pretty');
  });

  it('`fieldops schema --list | head -1` exits 0, quietly, in 20 runs out of 20', async () => {
    const runs = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
            const sh = spawn('bash', [
              '-c',
              `set -o pipefail; "${process.execPath}" "${BIN}" schema --list | head -1`,
            ]);
            let out = '';
            let err = '';
            sh.stdout.on('data', (d) => {
              out += d;
            });
            sh.stderr.on('data', (d) => {
              err += d;
            });
            sh.on('close', (code) => resolve({ code, out, err }));
          }),
      ),
    );
    for (const r of runs) {
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a bad log option is a usage error (exit 2)', () => {
    const r = fieldops(['--log-format', 'xml', 'schema', '--list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--log-format: expected json or pretty');
  });

  it('logs one JSON line per client call to stderr through pino, nothing on stdout but the result', async () => {
    const fake = await startFakeChirpStack();
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-bin-'));
    try {
      await writeFile(
        join(dir, 'spec.json'),
        JSON.stringify({
          tenant: { name: 'site-log' },
          applications: [{ name: 'sensors' }],
          device_profiles: [],
          gateways: [{ gateway_eui: 'AA555A0000000009', name: 'gw-log' }],
        }),
      );
      const plan = ['chirpstack', 'plan', '--spec', join(dir, 'spec.json'), '--chirpstack', fake.target];
      const r = await fieldopsAsync(['--log-format', 'json', ...plan], {
        CHIRPSTACK_API_TOKEN: fake.apiToken,
      });
      expect(r.code).toBe(0);
      const lines = r.err
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toMatchObject({ level: 30, contract: 'chirpstack', version: 'v4', outcome: 'ok' });
        expect(line).toHaveProperty('operation');
        expect(line).toHaveProperty('duration_ms');
        expect(line).toHaveProperty('correlation_id');
      }
      expect(r.err).not.toContain(fake.apiToken);
      expect(r.out).toContain('site-log');
      // Silent on request.
      const quiet = await fieldopsAsync(['--log-level', 'silent', ...plan], {
        CHIRPSTACK_API_TOKEN: fake.apiToken,
      });
      expect(quiet.code).toBe(0);
      expect(quiet.err).toBe('');
    } finally {
      await fake.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
