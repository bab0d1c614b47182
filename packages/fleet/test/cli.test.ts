import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SqlDatabase } from '@fieldops/bus';
import { freePort } from '@fieldops/bus/testing';
import type { ServedHandler } from '@fieldops/sdk/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFleetApi } from '../src/index.js';
import { eui, startCentre, startTestSite, type TestSite } from './support/centre.js';

// Issue 16 item 3: `fieldops fleet status|sites|devices`, the built CLI as a user runs it, reading
// the central view on a real HTTP server.

const CLI = fileURLToPath(new URL('../../sdk/dist/cli/main.js', import.meta.url));
const TOKEN = 'cli-token-0123456789';
const exec = promisify(execFile);

async function fieldops(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      env: { ...process.env, FIELDOPS_FLEET_TOKEN: TOKEN, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('fieldops fleet', () => {
  let db: SqlDatabase;
  let api: ServedHandler;
  let site: TestSite;
  const clock = new Date();

  beforeAll(async () => {
    const centre = await startCentre();
    db = centre.db;
    site = await startTestSite(3, 3, db, () => clock);
    site.fake.setDeviceSeen(eui(3, 1), new Date(clock.getTime() - 60_000));
    await site.sync();
    api = await serveFleetApi({ store: centre.store, token: TOKEN });
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await site?.stop();
    await db?.close();
  });

  it('sites: a table with the last sync and state, and --json', async () => {
    const table = await fieldops(['fleet', 'sites', '--centre', api.url]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SITE\s+DEVICES\s+GATEWAYS\s+REMOVED\s+LAST SYNC\s+STATE$/);
    expect(lines[1]!.split(/\s+/)).toEqual([site.id, '3', '1', '0', clock.toISOString(), 'ok']);
    const json = await fieldops(['fleet', 'sites', '--json'], { FIELDOPS_FLEET_URL: api.url });
    expect(JSON.parse(json.stdout)).toMatchObject([{ site_id: site.id, devices: 3, stale: false }]);
  });

  it('devices: status and last seen, per site and across sites', async () => {
    const out = await fieldops(['fleet', 'devices', '--site', site.id, '--centre', api.url]);
    expect(out.code).toBe(0);
    const rows = out.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      [site.id, eui(3, 0), 's3-dev-0', 'never_seen', '-'],
      [site.id, eui(3, 1), 's3-dev-1', 'active', new Date(clock.getTime() - 60_000).toISOString()],
      [site.id, eui(3, 2), 's3-dev-2', 'never_seen', '-'],
    ]);
    const json = JSON.parse((await fieldops(['fleet', 'devices', '--json', '--centre', api.url])).stdout);
    expect(json.map((d: { device: { dev_eui: string } }) => d.device.dev_eui)).toEqual(
      [0, 1, 2].map((i) => eui(3, i)),
    );
  });

  it('status: the fleet at a glance', async () => {
    const out = await fieldops(['fleet', 'status', '--centre', api.url]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('sites     1: 0 stale, 0 in a full sync');
    expect(out.stdout).toContain(
      'devices   3: 1 active (seen within 2h), 0 inactive, 2 never seen; 0 removed',
    );
    expect(out.stdout).toContain('gateways  1: 0 online, 0 offline, 1 never seen; 0 removed');
    const json = JSON.parse((await fieldops(['fleet', 'status', '--json', '--centre', api.url])).stdout);
    expect(json.devices).toEqual({ total: 3, active: 1, inactive: 0, never_seen: 2, removed: 0 });
  });

  it('`fieldops fleet --help` lists every subcommand, diff included', async () => {
    const help = await fieldops(['fleet', '--help']);
    expect(help.code).toBe(0);
    for (const sub of ['status', 'sites', 'devices', 'diff'])
      expect(help.stdout).toMatch(new RegExp(`^  ${sub} +\\S`, 'm'));
    expect(help.stdout).toContain('fieldops fleet diff --help');
  });

  it('says clearly when the centre is unreachable, refuses, or is asked nonsense', async () => {
    const port = await freePort();
    const down = await fieldops(['fleet', 'sites', '--centre', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the centre at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(down.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const refused = await fieldops(['fleet', 'status', '--centre', api.url], {
      FIELDOPS_FLEET_TOKEN: 'wrong',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the centre refused (401)');
    expect(refused.stderr).not.toContain('wrong');
    const unknown = await fieldops([
      'fleet',
      'devices',
      '--site',
      'site_01JD0000000000000000000099',
      '--centre',
      api.url,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('never heard from site site_01JD0000000000000000000099');
    const badSite = await fieldops(['fleet', 'devices', '--site', 'plant-1', '--centre', api.url]);
    expect(badSite.code).toBe(2);
    expect(badSite.stderr).toContain('--site "plant-1" is not a site id');
    const badSub = await fieldops(['fleet', 'nodes']);
    expect(badSub.code).toBe(2);
    expect(badSub.stderr).toContain('unknown subcommand "nodes"');
  });
});
