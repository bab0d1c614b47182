import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { createSpecDir, SMALL_CLI_SPEC } from '../support/chirpstack-cli.js';
import { CANARY_KEY, eui } from './helpers.js';

// `fieldops chirpstack export --backup` then `fieldops chirpstack restore --to <empty>` then a plan:
// 0 changes (issue 16 item 5), through the CLI a user runs, against two fake ChirpStack servers.

let site: FakeChirpStack;
let empty: FakeChirpStack;
let dir: string;
let specDir: Awaited<ReturnType<typeof createSpecDir>>;
let out = '';
let err = '';
const SITE = 'site_01JD0000000000000000000001';
const io = (token: string) => ({
  stdout: (t: string) => {
    out += t;
  },
  stderr: (t: string) => {
    err += t;
  },
  cwd: dir,
  env: { CHIRPSTACK_API_TOKEN: token, APP_KEY: CANARY_KEY },
});
const spec = SMALL_CLI_SPEC;

beforeEach(async () => {
  site = await startFakeChirpStack();
  empty = await startFakeChirpStack();
  specDir = await createSpecDir('cs-restore', spec);
  dir = specDir.dir;
  out = '';
  err = '';
});
afterEach(async () => {
  await site.stop();
  await empty.stop();
  await specDir.remove();
});

describe('fieldops chirpstack restore', () => {
  it('export --backup, restore --to an empty ChirpStack, and a plan right after shows 0 changes', async () => {
    expect(
      await runCli(
        ['chirpstack', 'apply', '--spec', 'spec.json', '--chirpstack', site.target],
        io(site.apiToken),
      ),
    ).toBe(0);
    const exportArgs = ['chirpstack', 'export', '--chirpstack', site.target, '--site', SITE, '--backup'];
    expect(
      await runCli([...exportArgs, '--keys-from', 'spec.json', '--out', 'backup.json'], io(site.apiToken)),
    ).toBe(0);
    const backup = await readFile(join(dir, 'backup.json'), 'utf8');
    expect(backup).not.toContain(CANARY_KEY);
    expect(JSON.parse(backup)).toMatchObject({
      restorable: true,
      devices: [{ keys: { nwk_key_ref: 'env:APP_KEY' } }, {}, {}],
    });
    out = '';
    const restore = ['chirpstack', 'restore', '--site', SITE, '--from', 'backup.json', '--to', empty.target];
    expect(await runCli(restore, io(empty.apiToken))).toBe(0);
    expect(out).toContain(`Restored tenant site-cli of ${SITE} into ${empty.target}`);
    expect(out).toContain('Plan after the restore: 0 changes.');
    expect(empty.state.devices.get(eui(1))?.keys?.nwk_key).toBe(CANARY_KEY);
    out = '';
    expect(
      await runCli(
        ['chirpstack', 'plan', '--spec', 'spec.json', '--chirpstack', empty.target, '--json'],
        io(empty.apiToken),
      ),
    ).toBe(0);
    expect(JSON.parse(out).changes.filter((c: { action: string }) => c.action !== 'unchanged')).toEqual([]);
    // Run again: the target is no longer empty, so the restore refuses and writes nothing.
    err = '';
    expect(await runCli(restore, io(empty.apiToken))).toBe(2);
    expect(err).toContain('already has a tenant named "site-cli"');
    expect(out + err).not.toContain(CANARY_KEY);
  });

  it('refuses the backup of another site and a key reference template without {dev_eui}', async () => {
    await writeFile(
      join(dir, 'other.json'),
      JSON.stringify({
        snapshot_version: 1,
        site_id: 'site_01JD0000000000000000000002',
        exported_at: '2026-11-30T10:00:00Z',
        source: { target: 'x:1' },
        restorable: true,
        tenants: [],
        applications: [],
        device_profiles: [],
        devices: [],
        gateways: [],
      }),
    );
    expect(
      await runCli(
        ['chirpstack', 'restore', '--site', SITE, '--from', 'other.json', '--to', empty.target],
        io(empty.apiToken),
      ),
    ).toBe(2);
    expect(err).toContain('is the backup of site_01JD0000000000000000000002, not');
    err = '';
    expect(
      await runCli(
        [
          'chirpstack',
          'export',
          '--chirpstack',
          site.target,
          '--site',
          SITE,
          '--backup',
          '--key-ref-template',
          'env:KEY',
        ],
        io(site.apiToken),
      ),
    ).not.toBe(0);
    expect(err).toContain('must contain {dev_eui}');
  });
});
