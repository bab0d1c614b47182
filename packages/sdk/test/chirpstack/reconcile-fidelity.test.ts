import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPlan,
  type ChirpStackClient,
  changeCount,
  createChirpStackClient,
  type DesiredState,
  OWNER_TAG,
  planReconcile,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { CANARY_KEY, desiredState, eui, resolveSecret } from './helpers.js';

// The reconciler against the fake's ChirpStack v4.19.0 rules (see fake-fidelity.test.ts for the
// rules themselves, each with its source line): one test per rule, plus issue 11 items 5 and 6.

let fake: FakeChirpStack;
let client: ChirpStackClient;

beforeEach(async () => {
  fake = await startFakeChirpStack();
  client = createChirpStackClient({
    target: fake.target,
    apiToken: fake.apiToken,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

async function converge(
  desired: DesiredState,
  c = client,
  options: { tenantId?: string; prune?: boolean } = {},
) {
  const plan = await planReconcile(desired, c, { resolveSecret, ...options });
  const result = await applyPlan(plan, c, { resolveSecret });
  const again = await planReconcile(desired, c, { resolveSecret, ...options });
  return { plan, result, again };
}
const tenantId = () => [...fake.state.tenants.values()][0]!.id;
const appId = (name = 'sensors') => [...fake.state.applications.values()].find((a) => a.name === name)!.id;
const profileId = (name = 'as923-2-class-a') =>
  [...fake.state.deviceProfiles.values()].find((p) => p.name === name)!.id;

describe('reconciler against ChirpStack 4.19 rules', () => {
  it('rule 1: gateways are created with downlink_priority 10 and a hand-set priority survives an update', async () => {
    const { result, again } = await converge(desiredState(1));
    expect(result.errors).toEqual([]);
    expect(changeCount(again)).toBe(0);
    expect(fake.state.gateways.get('aa555a0000000001')?.downlink_priority).toBe(10);
    fake.state.gateways.get('aa555a0000000001')!.downlink_priority = 3;
    const desired = desiredState(1);
    desired.gateways[0]!.name = 'gw-renamed';
    expect((await converge(desired)).result.errors).toEqual([]);
    expect(fake.state.gateways.get('aa555a0000000001')).toMatchObject({
      name: 'gw-renamed',
      downlink_priority: 3,
    });
  });

  it('rule 2: a device made by hand with keys and no fieldops tag is adopted (duplicate key -> GetKeys -> UpdateKeys) and converges', async () => {
    await converge(desiredState(0));
    await client.createDevice({
      dev_eui: eui(0),
      name: 'by hand',
      application_id: appId(),
      device_profile_id: profileId(),
    });
    await client.createDeviceKeys({ dev_eui: eui(0), nwk_key: '0'.repeat(32) });
    // The device sits in an application the plan does not list: the plan says create.
    const desired = desiredState(1);
    desired.applications.push({ name: 'other' });
    desired.devices![0]!.application = 'other';
    const { result, again } = await converge(desired);
    expect(result.errors).toEqual([]);
    expect(changeCount(again)).toBe(0);
    expect(fake.state.devices.get(eui(0))).toMatchObject({
      name: 'dev-00000',
      application_id: appId('other'),
    });
    expect(fake.state.devices.get(eui(0))?.keys?.nwk_key).toBe(CANARY_KEY);
  });

  it('rule 2: a gateway that exists in this tenant is adopted; one of another tenant is reported, never moved', async () => {
    await converge(desiredState(0));
    const other = await client.createTenant({ name: 'other' });
    await client.createGateway({ gateway_id: 'aa555a0000000002', tenant_id: other, name: 'theirs' });
    const desired = desiredState(0);
    desired.gateways.push({ gateway_eui: 'aa555a0000000002', name: 'mine' });
    const plan = await planReconcile(desired, client, { resolveSecret });
    const result = await applyPlan(plan, client, { resolveSecret });
    expect(result.errors).toEqual([
      expect.objectContaining({
        entity: 'gateway',
        key: 'aa555a0000000002',
        message: expect.stringContaining('cannot be moved'),
      }),
    ]);
    expect(fake.state.gateways.get('aa555a0000000002')).toMatchObject({ tenant_id: other, name: 'theirs' });
  });

  it('rule 3: global profiles are never planned for deletion, and a profile delete lists the devices it cascades to', async () => {
    const desired = desiredState(3);
    desired.device_profiles.push({ ...desired.device_profiles[0]!, name: 'old' });
    desired.devices![2]!.device_profile = 'old';
    await converge(desired);
    fake.addGlobalDeviceProfile({ name: 'Vendor X sensor' });
    const smaller = desiredState(2);
    const plan = await planReconcile(smaller, client, { resolveSecret, prune: true });
    const deletes = plan.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.entity}:${c.key}`);
    expect(deletes).toEqual([`device:${eui(2)}`, 'device_profile:old']);
    expect(JSON.stringify(plan.plan)).not.toContain('Vendor X');
    expect((await applyPlan(plan, client, { resolveSecret })).errors).toEqual([]);
    expect([...fake.state.deviceProfiles.values()].map((p) => p.name).sort()).toEqual([
      'Vendor X sensor',
      'as923-2-class-a',
    ]);
  });

  it('rule 4: a profile update keeps what fieldops does not manage and sets a device-status interval', async () => {
    await converge(desiredState(0));
    const stored = fake.state.deviceProfiles.get(profileId())!;
    // By hand, in the UI: class C on, device-status requests off.
    const { deviceProfilePb } = await import('../../src/chirpstack/proto.js');
    const msg = deviceProfilePb.DeviceProfile.deserializeBinary(stored.message);
    msg.setSupportsClassC(true);
    msg.setClassCTimeout(7);
    msg.setDeviceStatusReqInterval(0);
    stored.message = msg.serializeBinary();
    stored.device_status_req_interval = 0;
    const desired = desiredState(0);
    desired.device_profiles[0]!.uplink_interval_s = 900;
    const { plan, result, again } = await converge(desired);
    expect(plan.plan.changes.find((c) => c.entity === 'device_profile')?.diff.map((d) => d.field)).toEqual([
      'uplink_interval_s',
      'device_status_req_interval',
    ]);
    expect(result.errors).toEqual([]);
    expect(changeCount(again)).toBe(0);
    const after = deviceProfilePb.DeviceProfile.deserializeBinary(
      fake.state.deviceProfiles.get(profileId())!.message,
    );
    expect([
      after.getUplinkInterval(),
      after.getSupportsClassC(),
      after.getClassCTimeout(),
      after.getDeviceStatusReqInterval(),
    ]).toEqual([900, true, 7, 1]);
  });

  it('rule 5: gateways without a location, or with a non-integer altitude, converge', async () => {
    const desired = desiredState(0);
    desired.gateways.push({
      gateway_eui: 'aa555a0000000002',
      name: 'gw-2',
      location: { latitude: 13.7563, longitude: 100.5018, altitude: 12.3 },
    });
    const { result, again } = await converge(desired);
    expect(result.errors).toEqual([]);
    expect(changeCount(again)).toBe(0);
    expect(fake.state.gateways.get('aa555a0000000001')?.location).toEqual({
      latitude: 0,
      longitude: 0,
      altitude: 0,
    });
  });

  it('rule 6: with a tenant API key the reconciler needs the tenant id, then plans and applies', async () => {
    const id = await client.createTenant({
      name: 'site-bkk-01',
      description: 'Bangkok plant',
      can_have_gateways: true,
    });
    const scoped = createChirpStackClient({
      target: fake.target,
      apiToken: fake.createApiKey({ tenantId: id }),
    });
    try {
      await expect(planReconcile(desiredState(3), scoped, { resolveSecret })).rejects.toThrow(
        /admin API key.*tenant id/,
      );
      const { result, again } = await converge(desiredState(3), scoped, { tenantId: id });
      expect(result.errors).toEqual([]);
      expect(changeCount(again)).toBe(0);
      expect(fake.state.devices.size).toBe(3);
    } finally {
      scoped.close();
    }
  });

  it('rule 6: with a tenant key, a device whose DevEUI belongs to another tenant is reported as not visible, not created', async () => {
    const id = await client.createTenant({
      name: 'site-bkk-01',
      description: 'Bangkok plant',
      can_have_gateways: true,
    });
    const other = await client.createTenant({ name: 'elsewhere' });
    const app = await client.createApplication({ name: 'theirs', tenant_id: other });
    const profile = await client.createDeviceProfile({
      ...desiredState(0).device_profiles[0]!,
      tenant_id: other,
    });
    await client.createDevice({
      dev_eui: eui(1),
      name: 'theirs',
      application_id: app,
      device_profile_id: profile,
    });
    const scoped = createChirpStackClient({
      target: fake.target,
      apiToken: fake.createApiKey({ tenantId: id }),
    });
    try {
      const plan = await planReconcile(desiredState(2), scoped, { resolveSecret, tenantId: id });
      const result = await applyPlan(plan, scoped, { resolveSecret });
      expect(result.errors).toEqual([
        expect.objectContaining({
          entity: 'device',
          key: eui(1),
          message: expect.stringContaining('cannot see'),
        }),
      ]);
      expect(fake.state.devices.get(eui(1))?.application_id).toBe(app);
    } finally {
      scoped.close();
    }
  });

  it('rule 7: a list of applications with equal names is read whole, each once, whatever the page order', async () => {
    await converge(desiredState(0));
    for (let i = 0; i < 24; i++) await client.createApplication({ name: 'same', tenant_id: tenantId() });
    const { collect } = await import('../../src/chirpstack/index.js');
    for (let run = 0; run < 3; run++) {
      const apps = await collect(client.listApplications(tenantId(), { pageSize: 5 }));
      expect(apps).toHaveLength(25);
      expect(new Set(apps.map((a) => a.id)).size).toBe(25);
    }
  });

  it('rule 6: a tenant update keeps private gateway flags and DevAddr prefixes set by hand', async () => {
    await converge(desiredState(0));
    Object.assign(fake.state.tenants.get(tenantId())!, {
      private_gateways_up: true,
      dev_addr_prefixes: ['01000000/8'],
    });
    const desired = desiredState(0);
    desired.tenant.description = 'changed';
    expect((await converge(desired)).result.errors).toEqual([]);
    expect(fake.state.tenants.get(tenantId())).toMatchObject({
      description: 'changed',
      private_gateways_up: true,
      dev_addr_prefixes: ['01000000/8'],
    });
  });

  it('rule 7: devices with equal names are each planned once, none skipped', async () => {
    const desired = desiredState(30);
    for (const d of desired.devices!) d.name = 'same';
    await converge(desired);
    const plan = await planReconcile(desired, client, { resolveSecret, pageSize: 7 });
    expect(plan.plan.changes.filter((c) => c.entity === 'device').map((c) => c.action)).toEqual(
      Array(30).fill('unchanged'),
    );
  });

  it("rule 8: a tenant at its device limit fails those devices with the server's reason; the rest is applied", async () => {
    await converge(desiredState(0));
    fake.state.tenants.get(tenantId())!.max_device_count = 2;
    const desired = desiredState(3);
    desired.tenant.max_device_count = 2;
    const plan = await planReconcile(desired, client, { resolveSecret });
    const result = await applyPlan(plan, client, { resolveSecret, concurrency: 1 });
    expect(result.errors).toEqual([
      expect.objectContaining({
        entity: 'device',
        key: eui(2),
        code: 'invalid_argument',
        message: expect.stringContaining('Max number of devices'),
      }),
    ]);
    expect(fake.state.devices.size).toBe(2);
  });

  it('rule 9: after the tenant is deleted by hand (cascading to everything in it), a plan recreates it all', async () => {
    await converge(desiredState(4));
    const { deleteTenant } = client;
    await deleteTenant(tenantId());
    expect(fake.state.devices.size).toBe(0);
    const { plan, result, again } = await converge(desiredState(4));
    expect(plan.plan.summary.create).toBe(1 + 1 + 1 + 1 + 4 + 4);
    expect(result.errors).toEqual([]);
    expect(changeCount(again)).toBe(0);
  });
});

describe('issue 11: non-idempotent creates and prune', () => {
  it('item 5: a createApplication whose reply is lost after the commit is adopted, not sent again', async () => {
    await converge(desiredState(0));
    const desired = desiredState(2);
    desired.applications.push({ name: 'meters' });
    desired.devices![1]!.application = 'meters';
    const plan = await planReconcile(desired, client, { resolveSecret });
    const lossy = {
      ...client,
      createApplication: async (input: Parameters<ChirpStackClient['createApplication']>[0]) => {
        fake.failNext(1, status.UNAVAILABLE, { afterCommit: true });
        return client.createApplication(input);
      },
    };
    fake.resetCounters();
    const result = await applyPlan(plan, lossy, { resolveSecret });
    expect(result.errors).toEqual([]);
    expect([...fake.state.applications.values()].filter((a) => a.name === 'meters')).toHaveLength(1);
    expect(fake.rpcCounts()['ApplicationService/Create']).toBe(1);
    expect(changeCount(await planReconcile(desired, client, { resolveSecret }))).toBe(0);
  });

  it('item 5: plan reports an application that exists twice under one name', async () => {
    await converge(desiredState(1));
    await client.createApplication({ name: 'sensors', tenant_id: tenantId() });
    const plan = await planReconcile(desiredState(1), client, { resolveSecret });
    expect(plan.problems).toEqual([
      expect.objectContaining({
        key: 'sensors',
        message: expect.stringContaining('2 applications are named "sensors"'),
      }),
    ]);
    expect(changeCount(plan)).toBe(0);
  });

  it('item 6: prune deletes only what carries the fieldops tag and refuses deletes that would cascade to unowned devices', async () => {
    await converge(desiredState(2));
    const t = tenantId();
    // Made by hand: a device in the declared application, an application holding a device, a profile, a gateway.
    await client.createDevice({
      dev_eui: eui(90),
      name: 'hand',
      application_id: appId(),
      device_profile_id: profileId(),
    });
    const handApp = await client.createApplication({ name: 'hand-app', tenant_id: t });
    await client.createDevice({
      dev_eui: eui(91),
      name: 'hand-2',
      application_id: handApp,
      device_profile_id: profileId(),
    });
    await client.createDeviceProfile({
      ...desiredState(0).device_profiles[0]!,
      name: 'hand-profile',
      tenant_id: t,
    });
    await client.createGateway({ gateway_id: 'aa555a00000000ff', tenant_id: t, name: 'hand-gw' });
    // Owned but undeclared now: an application holding an unowned device is refused, not deleted.
    const owned = await client.createApplication({
      name: 'owned-app',
      tenant_id: t,
      tags: { [OWNER_TAG]: 'true' },
    });
    await client.createDevice({
      dev_eui: eui(92),
      name: 'hand-3',
      application_id: owned,
      device_profile_id: profileId(),
    });
    const plan = await planReconcile(desiredState(1), client, { resolveSecret, prune: true });
    expect(plan.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.entity}:${c.key}`)).toEqual(
      [`device:${eui(1)}`],
    );
    expect(plan.problems.map((p) => p.message).join('\n')).toMatch(
      /owned-app not pruned: deleting it would also delete 1 device/,
    );
    await applyPlan(plan, client, { resolveSecret });
    expect([...fake.state.devices.keys()].sort()).toEqual([eui(0), eui(90), eui(91), eui(92)].sort());
    expect(fake.state.gateways.has('aa555a00000000ff')).toBe(true);
    expect([...fake.state.deviceProfiles.values()].some((p) => p.name === 'hand-profile')).toBe(true);
  });

  it('item 6: an owned application is pruned with every device it cascades to listed in the plan', async () => {
    const desired = desiredState(3);
    desired.applications.push({ name: 'old' });
    desired.devices![2]!.application = 'old';
    await converge(desired);
    const plan = await planReconcile(desiredState(2), client, { resolveSecret, prune: true });
    expect(plan.plan.changes.filter((c) => c.action === 'delete')).toEqual([
      expect.objectContaining({
        entity: 'device',
        key: eui(2),
        diff: [{ field: 'cascade', from: 'application old' }],
      }),
      expect.objectContaining({ entity: 'application', key: 'old' }),
    ]);
    await applyPlan(plan, client, { resolveSecret });
    expect(fake.state.devices.size).toBe(2);
  });
});
