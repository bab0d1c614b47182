import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlDatabase } from '@fieldops/bus';
import {
  applyPlan,
  type ChirpStackClient,
  changeCount,
  createChirpStackClient,
  type DesiredState,
  keyRefsFromSpec,
  planReconcile,
  restoreSite,
} from '@fieldops/sdk/chirpstack';
import { registerCommand, runCli } from '@fieldops/sdk/cli/api';
import { type FakeChirpStack, startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDiffCommand } from '../../src/cli/index.js';
import { diffSite } from '../../src/drift/diff-site.js';
import {
  applyFleetBatch,
  createFleetSyncer,
  createMemorySyncState,
  type FleetStore,
  type FleetSyncer,
  serveFleetApi,
} from '../../src/index.js';
import { startCentre } from '../support/centre.js';

// Issue 16 item 4 end to end: a fake ChirpStack over gRPC on loopback (the site), a PGlite centre
// fed by the real syncer, and the registry's desired state. Hand edits at the site that the plan
// cannot see (decision 0008: flags and keys behind the sync tag) are named by `fleet diff`.

const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';
const HAND_KEY = '0123456789abcdef0123456789abcdef';
const SITE = 'site_01JD0000000000000000000001';
const CENTRE_TOKEN = 'centre-token-diff-0123456789';
const eui = (i: number) => (0x70b3d50000000100n + BigInt(i)).toString(16).padStart(16, '0');

const desired = (): DesiredState => ({
  tenant: { name: 'site-1' },
  applications: [{ name: 'sensors' }],
  device_profiles: [
    {
      name: 'as923-2-class-a',
      region: 'as923_2',
      mac_version: 'LORAWAN_1_0_3',
      reg_params_revision: 'RP002_1_0_3',
      supports_otaa: true,
      uplink_interval_s: 600,
    },
  ],
  gateways: [{ gateway_eui: 'aa555a0000000001', name: 'gw-1' }],
  devices: Array.from({ length: 4 }, (_, i) => ({
    dev_eui: eui(i),
    name: `dev-${i}`,
    application: 'sensors',
    device_profile: 'as923-2-class-a',
    keys: { nwk_key_ref: 'env:SITE_KEY' },
  })),
});

describe('fleet diff: registry, site and centre', () => {
  let fake: FakeChirpStack;
  let client: ChirpStackClient;
  let db: SqlDatabase;
  let store: FleetStore;
  let syncer: FleetSyncer;
  let dir: string;
  let stopApi: (() => Promise<void>) | undefined;
  const spec = desired();
  const resolveSecret = async () => KEY;
  const sync = async () =>
    syncer.round(async (events) => {
      for (const e of events) await db.transaction((tx) => applyFleetBatch(tx, e.data));
    });

  beforeAll(async () => {
    fake = await startFakeChirpStack();
    client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
    const plan = await planReconcile(spec, client, { resolveSecret });
    expect((await applyPlan(plan, client, { resolveSecret })).errors).toEqual([]);
    dir = await mkdtemp(join(tmpdir(), 'fleet-diff-'));
    ({ db, store } = await startCentre());
    syncer = createFleetSyncer({
      client,
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: spec.devices! }),
      state: createMemorySyncState(),
    });
    await sync();
  }, 300_000);

  afterAll(async () => {
    await stopApi?.();
    await db?.close();
    client?.close();
    await fake?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('right after apply and sync the three sources agree', async () => {
    const report = await diffSite({
      siteId: SITE,
      site: client,
      centre: store,
      desired: spec,
      resolveSecret,
    });
    expect(report.sources).toEqual(['registry', 'site', 'centre']);
    expect(report.entities).toEqual([]);
    expect(report.drift).toBe(false);
    // tenant, application, profile, gateway, 4 devices
    expect(report.compared).toBe(8);
  }, 300_000);

  it('names hand edits the plan cannot see, and which of the three disagree', async () => {
    // By hand at the site, behind the reconciler's back: device 0 disabled, device 1 gets other keys.
    const d0 = await client.getDevice(eui(0));
    await client.updateDevice({ ...d0, is_disabled: true });
    await client.updateDeviceKeys({ dev_eui: eui(1), nwk_key: HAND_KEY });
    // The registry renames device 2 (not applied yet).
    const changed = desired();
    changed.devices![2]!.name = 'dev-2-renamed';

    // The reconciler's plan compares against its sync tag: it sees the rename only (decision 0008).
    const plan = await planReconcile(changed, client, { resolveSecret });
    expect(
      plan.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.entity}:${c.key}`),
    ).toEqual([`device:${eui(2)}`]);
    expect(changeCount(plan)).toBe(1);

    const report = await diffSite({
      siteId: SITE,
      site: client,
      centre: store,
      desired: changed,
      resolveSecret,
    });
    expect(report.drift).toBe(true);
    const byKey = Object.fromEntries(report.entities.map((e) => [e.key, e]));
    expect(Object.keys(byKey).sort()).toEqual([eui(0), eui(1), eui(2)]);
    expect(byKey[eui(0)]!.fields).toEqual([
      { field: 'is_disabled', registry: false, site: true, centre: false, disagree: ['registry', 'centre'] },
    ]);
    const keys = byKey[eui(1)]!.fields;
    expect(keys.map((f) => [f.field, f.disagree])).toEqual([['keys.fingerprint', ['registry', 'centre']]]);
    expect(keys[0]!.registry).toBe(keys[0]!.centre); // both hold what fieldops wrote
    expect(keys[0]!.site).not.toBe(keys[0]!.registry);
    expect(byKey[eui(2)]!.fields).toEqual([
      { field: 'name', registry: 'dev-2-renamed', site: 'dev-2', centre: 'dev-2', disagree: ['registry'] },
    ]);
    // Never a key value in the report.
    const text = JSON.stringify(report);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(HAND_KEY);

    // Without reading keys, the hand-made key change goes unseen (the option's documented cost).
    const blind = await diffSite({
      siteId: SITE,
      site: client,
      centre: store,
      desired: changed,
      resolveSecret,
      readKeys: false,
    });
    expect(blind.entities.map((e) => e.key).sort()).toEqual([eui(0), eui(2)]);
  }, 300_000);

  it('after the next sync the centre holds the hand-edited keys as a changed fingerprint; its backup says so on restore', async () => {
    const before = (await store.snapshot(SITE))!.devices.find((d) => d.dev_eui === eui(1))!;
    await sync();
    const report = await diffSite({
      siteId: SITE,
      site: client,
      centre: store,
      desired: spec,
      resolveSecret,
    });
    // The syncer reads the keys each device holds: the flag and the hand-made keys both reached the
    // centre, which now agrees with the site; the registry still disagrees on both.
    expect(report.entities.filter((e) => e.disagree.includes('centre'))).toEqual([]);
    expect(report.summary).toEqual({ registry_vs_site: 2, centre_vs_site: 0 });
    const backup = (await store.snapshot(SITE))!;
    const mirrored = backup.devices.find((d) => d.dev_eui === eui(1))!;
    expect(mirrored.keys?.fingerprint).not.toBe(before.keys?.fingerprint);
    expect(JSON.stringify(backup)).not.toContain(HAND_KEY);
    // A restore from that backup resolves the references (the declared key) and names the device
    // whose keys the site held differently.
    const emptySite = await startFakeChirpStack();
    const target = createChirpStackClient({ target: emptySite.target, apiToken: emptySite.apiToken });
    try {
      const restored = await restoreSite(backup, target, { resolveSecret });
      expect(restored.problems).toEqual([
        {
          key: eui(1),
          message: 'the keys its references resolve to now differ from the keys the site held (rotated?)',
        },
      ]);
    } finally {
      target.close();
      await emptySite.stop();
    }
  }, 300_000);

  it('`fieldops fleet diff` prints the same, as text or --json, exit 3 on drift and 0 without', async () => {
    registerCommand(fleetDiffCommand);
    const specFile = join(dir, 'spec.json');
    await writeFile(specFile, JSON.stringify(spec));
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      cwd: dir,
      env: { CHIRPSTACK_API_TOKEN: fake.apiToken, SITE_KEY: KEY } as Record<string, string>,
    };
    // The CLI reads the centre through its HTTP API (fleet.v1), the token from the environment.
    const api = await serveFleetApi({ store, token: CENTRE_TOKEN });
    stopApi = () => api.close();
    io.env.FIELDOPS_FLEET_TOKEN = CENTRE_TOKEN;
    const base = ['fleet', 'diff', '--site', SITE, '--chirpstack', fake.target, '--centre', api.url];
    expect(await runCli([...base, '--spec', specFile, '--json'], io)).toBe(3);
    const json = JSON.parse(out.join(''));
    expect(json.site_id).toBe(SITE);
    expect(json.entities.map((e: { key: string }) => e.key).sort()).toEqual([eui(0), eui(1)]);
    out.length = 0;
    expect(await runCli([...base, '--spec', specFile], io)).toBe(3);
    const text = out.join('');
    expect(text).toContain(`device ${eui(0)}: registry disagree with the site`);
    expect(text).toContain('  is_disabled  registry=false  site=true');
    expect(text).toContain('2 of 8 entities differ: 2 registry≠site, 0 centre≠site.');
    expect(text).toContain('(centre last sync 20');
    expect(text).not.toContain(KEY);

    // Put the site back as declared (flag and keys): no drift between registry and site.
    const d0 = await client.getDevice(eui(0));
    await client.updateDevice({ ...d0, is_disabled: false });
    await client.updateDeviceKeys({ dev_eui: eui(1), nwk_key: KEY });
    out.length = 0;
    expect(
      await runCli(['fleet', 'diff', '--site', SITE, '--chirpstack', fake.target, '--spec', specFile], io),
    ).toBe(0);
    expect(out.join('')).toContain('No drift: 8 entities agree.');
    // Usage errors name the command.
    expect(await runCli(['fleet', 'diff', '--chirpstack', fake.target], io)).toBe(2);
    expect(err.join('')).toContain('--site SITE_ID is required');
    // A wrong token: the centre refuses, exit 1, the message says where the token comes from.
    err.length = 0;
    expect(
      await runCli([...base, '--spec', specFile], {
        ...io,
        env: { ...io.env, FIELDOPS_FLEET_TOKEN: 'wrong' },
      }),
    ).toBe(1);
    expect(err.join('')).toContain('FIELDOPS_FLEET_TOKEN');
    expect(err.join('')).not.toContain(CENTRE_TOKEN);
  }, 300_000);
});
