import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPlan,
  type ChirpStackClient,
  changeCount,
  entityHash,
  exportFleet,
  exportSiteBackup,
  keyRefsFromSpec,
  planReconcile,
  RestoreRefusedError,
  restoreSite,
} from '../../src/chirpstack/index.js';
import { deviceProfilePb } from '../../src/chirpstack/proto.js';
import type { FakeChirpStack } from '../../src/testing/chirpstack.js';
import { type SiteAndEmpty, startSiteAndEmpty } from '../support/site-and-empty.js';
import { CANARY_KEY, desiredState, resolveSecret } from './helpers.js';

// Issue 16 items 1 and 5: a restorable snapshot of a site, and a restore into an empty ChirpStack
// after which a plan shows 0 changes. Both servers are the fake ChirpStack 4.19 (real gRPC).

let site: FakeChirpStack;
let empty: FakeChirpStack;
let siteClient: ChirpStackClient;
let emptyClient: ChirpStackClient;
const SITE = 'site_01JD0000000000000000000001';
let fakes: SiteAndEmpty;
beforeEach(async () => {
  fakes = await startSiteAndEmpty();
  ({ site, empty, siteClient, emptyClient } = fakes);
});
afterEach(async () => {
  await fakes.stop();
});

/** A site built by the reconciler, then edited by hand where fieldops does not manage. */
async function buildSite(n = 12) {
  const desired = desiredState(n);
  desired.devices![0]!.join_eui = '0102030405060708';
  desired.devices![1]!.variables = { line: 'L2' };
  desired.devices![2]!.is_disabled = true;
  desired.devices![3]!.device_id = 'dev_01JD0000000000000000000003' as never;
  desired.gateways[0]!.location = { latitude: 13.75, longitude: 100.5, altitude: 12 };
  const plan = await planReconcile(desired, siteClient, { resolveSecret });
  expect((await applyPlan(plan, siteClient, { resolveSecret })).errors).toEqual([]);
  // Hand edits outside what the reconciler manages: a profile column, a gateway priority.
  const profileId = [...site.state.deviceProfiles.values()][0]!.id;
  const message = deviceProfilePb.DeviceProfile.deserializeBinary(
    await siteClient.getDeviceProfileMessage(profileId),
  );
  message.setSupportsClassC(true);
  message.setClassCTimeout(7);
  await siteClient.putDeviceProfileMessage(
    profileId,
    [...site.state.tenants.values()][0]!.id,
    message.serializeBinary(),
  );
  await siteClient.updateGateway({ gateway_id: 'aa555a0000000001', downlink_priority: 3 });
  return desired;
}

describe('restorable fleet snapshot (issue 16 item 1)', () => {
  it('carries every entity in full, key references and no key value, and a hash per entity', async () => {
    const desired = await buildSite();
    const snapshot = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      clock: { now: () => Date.parse('2031-05-06T07:08:09.000Z') }, // core's Clock (issue 12)
      now: () => new Date(0), // deprecated: ignored beside `clock`
    });
    expect(snapshot.exported_at).toBe('2031-05-06T07:08:09.000Z');
    expect(FleetSnapshot.safeParse(JSON.parse(JSON.stringify(snapshot))).success).toBe(true);
    expect(snapshot.restorable).toBe(true);
    expect(snapshot.devices).toHaveLength(12);
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain(CANARY_KEY);
    const d0 = snapshot.devices.find((d) => d.dev_eui === desired.devices![0]!.dev_eui)!;
    expect(d0).toMatchObject({ join_eui: '0102030405060708', tenant: 'site-bkk-01', application: 'sensors' });
    expect(d0.keys).toMatchObject({
      nwk_key_ref: 'env:APP_KEY',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(snapshot.devices.find((d) => d.variables?.line === 'L2')).toBeDefined();
    expect(snapshot.devices.find((d) => d.device_id === 'dev_01JD0000000000000000000003')).toBeDefined();
    // The sync and id tags are reconciler bookkeeping: regenerated on restore, not user tags.
    expect(snapshot.devices.every((d) => d.tags?.fieldops_sync === undefined)).toBe(true);
    const gw = snapshot.gateways[0]!;
    expect(gw).toMatchObject({
      downlink_priority: 3,
      location: { latitude: 13.75, longitude: 100.5 },
      tags: { fieldops_managed: 'true' },
    });
    const profile = snapshot.device_profiles[0]!;
    const full = deviceProfilePb.DeviceProfile.deserializeBinary(Buffer.from(profile.message!, 'base64'));
    expect(full.getSupportsClassC()).toBe(true);
    expect(full.getClassCTimeout()).toBe(7);
    for (const [kind, list] of [
      ['tenant', snapshot.tenants],
      ['application', snapshot.applications],
      ['device_profile', snapshot.device_profiles],
      ['device', snapshot.devices],
      ['gateway', snapshot.gateways],
    ] as const)
      for (const e of list) expect(e.hash).toBe(entityHash(kind, e));
  });

  it('a hash changes with configuration, not with status', async () => {
    const desired = await buildSite(4);
    const keyRefs = keyRefsFromSpec({ devices: desired.devices! });
    const before = await exportSiteBackup(siteClient, { siteId: SITE, keyRefs });
    const eui0 = desired.devices![0]!.dev_eui;
    site.state.devices.get(eui0)!.last_seen_at = new Date('2026-11-30T10:00:00Z');
    site.state.devices.get(eui0)!.status = { margin: 7, external_power_source: false, battery_level: 80 };
    const seen = await exportSiteBackup(siteClient, { siteId: SITE, keyRefs });
    expect(seen.devices[0]!.last_seen_at).toBe('2026-11-30T10:00:00.000Z');
    expect(seen.devices[0]!.hash).toBe(before.devices[0]!.hash);
    await siteClient.updateDevice({ ...(await siteClient.getDevice(eui0)), is_disabled: true } as never);
    const edited = await exportSiteBackup(siteClient, { siteId: SITE, keyRefs });
    expect(edited.devices[0]!.is_disabled).toBe(true);
    expect(edited.devices[0]!.hash).not.toBe(before.devices[0]!.hash);
    expect(edited.devices[1]!.hash).toBe(before.devices[1]!.hash);
  });

  it('re-reads only devices whose updated_at moved when given the cache of the last run', async () => {
    const desired = await buildSite(10);
    const keyRefs = keyRefsFromSpec({ devices: desired.devices! });
    const cache = new Map();
    await exportSiteBackup(siteClient, { siteId: SITE, keyRefs, cache });
    site.resetCounters();
    await exportSiteBackup(siteClient, { siteId: SITE, keyRefs, cache });
    expect(site.rpcCounts()['DeviceService/Get'] ?? 0).toBe(0);
    const eui3 = desired.devices![3]!.dev_eui;
    site.state.devices.get(eui3)!.name = 'renamed-by-hand';
    site.state.devices.get(eui3)!.updated_at = new Date(Date.now() + 1000);
    site.resetCounters();
    const again = await exportSiteBackup(siteClient, { siteId: SITE, keyRefs, cache });
    expect(site.rpcCounts()['DeviceService/Get']).toBe(1);
    expect(again.devices.find((d) => d.dev_eui === eui3)!.name).toBe('renamed-by-hand');
  });
});

describe('restore into an empty ChirpStack (issue 16 item 5)', () => {
  it('rebuilds the site, keys from their references, and a plan right after shows 0 changes', async () => {
    const desired = await buildSite();
    const backup = JSON.parse(
      JSON.stringify(
        await exportSiteBackup(siteClient, {
          siteId: SITE,
          keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
        }),
      ),
    );
    const result = await restoreSite(FleetSnapshot.parse(backup), emptyClient, { resolveSecret });
    expect(result.problems).toEqual([]);
    expect(result.tenants).toHaveLength(1);
    expect(result.tenants[0]!.applied.errors).toEqual([]);
    expect(result.tenants[0]!.changes_after).toBe(0);
    expect(result.tenants[0]!.profiles_written).toBe(1);
    // A plan of the restored tenant from the backup, made fresh: nothing to do.
    const { desired: fromBackup } = (await import('../../src/chirpstack/index.js')).desiredFromSnapshot(
      FleetSnapshot.parse(backup),
      'site-bkk-01',
    );
    expect(changeCount(await planReconcile(fromBackup, emptyClient, { resolveSecret }))).toBe(0);
    // Keys were written from the references, into nwk_key (LoRaWAN 1.0.x).
    for (const d of desired.devices!)
      expect(empty.state.devices.get(d.dev_eui)?.keys?.nwk_key).toBe(CANARY_KEY);
    // What the reconciler does not manage came back too.
    expect(empty.state.gateways.get('aa555a0000000001')?.downlink_priority).toBe(3);
    const restoredProfile = [...empty.state.deviceProfiles.values()][0]!;
    const full = deviceProfilePb.DeviceProfile.deserializeBinary(
      await emptyClient.getDeviceProfileMessage(restoredProfile.id),
    );
    expect(full.getSupportsClassC()).toBe(true);
    expect(full.getClassCTimeout()).toBe(7);
    // Exported again, every entity hashes as at the site.
    const again = await exportSiteBackup(emptyClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
    });
    const hashes = (s: FleetSnapshot) =>
      [...s.tenants, ...s.applications, ...s.device_profiles, ...s.devices, ...s.gateways]
        .map((e) => e.hash)
        .sort();
    expect(hashes(again)).toEqual(hashes(FleetSnapshot.parse(backup)));
  });

  it('refuses a ChirpStack that already has the tenant, and a status-only snapshot', async () => {
    const desired = await buildSite(4);
    const backup = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
    });
    await expect(restoreSite(backup, siteClient, { resolveSecret })).rejects.toThrow(RestoreRefusedError);
    await expect(restoreSite(backup, siteClient, { resolveSecret })).rejects.toThrow(
      /already has a tenant named "site-bkk-01"/,
    );
    const status = await exportFleet(siteClient, {
      siteId: SITE,
      clock: { now: () => Date.parse('2031-05-06T07:08:09.000Z') }, // core's Clock (issue 12)
    });
    expect(status.exported_at).toBe('2031-05-06T07:08:09.000Z');
    await expect(restoreSite(status, emptyClient, { resolveSecret })).rejects.toThrow(
      /restorable is not true/,
    );
    expect(empty.state.tenants.size).toBe(0);
  });

  it('reports devices whose references now resolve to other keys, and devices with keys but no reference', async () => {
    const desired = await buildSite(4);
    const known = desired.devices!.slice(1);
    const backup = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: known }),
    });
    const rotated = async () => 'c0ffee00c0ffee00c0ffee00c0ffee02';
    const result = await restoreSite(backup, emptyClient, { resolveSecret: rotated });
    const messages = result.problems.map((p) => `${p.key}: ${p.message}`).join('\n');
    expect(messages).toContain(
      `${desired.devices![0]!.dev_eui}: the site had keys for this device but the backup names no reference`,
    );
    expect(messages).toContain(
      `${desired.devices![1]!.dev_eui}: the keys its references resolve to now differ`,
    );
    expect(messages).not.toContain('c0ffee00c0ffee00c0ffee00c0ffee02');
  });
});
