import type { ObservedStatePatch, Device as RegistryDevice } from '@fieldops/contracts/registry/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  planReconcile,
  type RegistryWriteBack,
  syncObservedState,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { desiredState, eui, resolveSecret } from './helpers.js';

let fake: FakeChirpStack;
let client: ChirpStackClient;
let clock = new Date('2026-11-27T10:00:00Z');
const now = () => clock;

/** A registry double with the provider's semantics: data replaced, version checked, refs merged. */
function memoryRegistry(records: RegistryDevice[]) {
  const byId = new Map<string, RegistryDevice>(
    records.map((r) => [r.device_id as string, structuredClone(r)]),
  );
  const writes: { id: string; patch: ObservedStatePatch }[] = [];
  const registry: RegistryWriteBack = {
    async patchObservedState(id, patch) {
      const r = byId.get(id)!;
      const version = r.observed_state?.version ?? 0;
      if (patch.expected_version !== undefined && patch.expected_version !== version)
        throw Object.assign(new Error('registry: 412'), { code: 'precondition_failed' });
      writes.push({ id, patch });
      r.observed_state = { version: version + 1, updated_at: patch.observed_at, data: patch.data };
      if (patch.external_refs?.chirpstack)
        r.external_refs = {
          ...r.external_refs,
          chirpstack: { ...r.external_refs.chirpstack, ...patch.external_refs.chirpstack },
        };
      return r;
    },
  };
  return { registry, writes, get: (id: string) => byId.get(id)!, all: () => [...byId.values()] };
}

function sensor(i: number, observed?: Record<string, unknown>): RegistryDevice {
  return {
    device_id: `dev_s${String(i).padStart(4, '0')}`,
    customer_id: 'cus_0001',
    site_id: 'site_0001',
    product_code: 'TH-1',
    product_version: '1.0.0',
    role: 'sensor',
    desired_state: {
      version: 1,
      updated_at: '2026-11-27T09:00:00Z',
      data: {
        chirpstack: {
          application: 'sensors',
          device_profile: 'as923-2-class-a',
          keys: { nwk_key_ref: 'env:K' },
        },
      },
    },
    ...(observed
      ? { observed_state: { version: 3, updated_at: '2026-11-27T09:00:00Z', data: observed } }
      : {}),
    external_refs: { chirpstack: { dev_eui: eui(200 + i) } },
    created_at: '2026-11-27T09:00:00Z',
    updated_at: '2026-11-27T09:00:00Z',
  } as unknown as RegistryDevice;
}

beforeEach(async () => {
  clock = new Date('2026-11-27T10:00:00Z');
  fake = await startFakeChirpStack({ now });
  client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

describe('registry write-back and telemetry sync', () => {
  it('apply merges into observed state it read, with expected_version', async () => {
    const mem = memoryRegistry([sensor(1, { rfid: { station: 'stn_1' } })]);
    const desired = { ...desiredState(0), registry_devices: mem.all() };
    const result = await applyPlan(await planReconcile(desired, client, { resolveSecret }), client, {
      resolveSecret,
      registry: mem.registry,
    });
    expect(result.errors).toEqual([]);
    expect(mem.writes[0]!.patch.expected_version).toBe(3);
    expect(mem.get('dev_s0001').observed_state?.data).toMatchObject({
      rfid: { station: 'stn_1' },
      chirpstack: { provisioned: true, dev_eui: eui(201) },
    });
  });

  it('writes status and last seen into observed state only when they changed', async () => {
    const mem = memoryRegistry([sensor(1), sensor(2), sensor(3)]);
    const desired = { ...desiredState(0), registry_devices: mem.all().slice(0, 2) };
    await applyPlan(await planReconcile(desired, client, { resolveSecret }), client, {
      resolveSecret,
      registry: mem.registry,
    });
    const tenantId = [...fake.state.tenants.values()][0]!.id;
    fake.setDeviceSeen(eui(201), new Date(clock.getTime() - 60_000), { battery_level: 77, margin: 9 });
    mem.writes.length = 0;

    const first = await syncObservedState({
      client,
      registry: mem.registry,
      tenantId,
      records: mem.all(),
      now,
    });
    expect(first).toMatchObject({ written: 2, unchanged: 0, missing: ['dev_s0003'], errors: [] });
    expect(mem.get('dev_s0001').observed_state?.data.chirpstack).toEqual({
      state: 'active',
      last_seen_at: new Date(clock.getTime() - 60_000).toISOString(),
      battery_level: 77,
      margin: 9,
      external_power_source: false,
      application: 'sensors',
      device_profile: 'as923-2-class-a',
    });
    expect(mem.get('dev_s0002').observed_state?.data.chirpstack).toMatchObject({ state: 'never_seen' });

    const second = await syncObservedState({
      client,
      registry: mem.registry,
      tenantId,
      records: mem.all(),
      now,
    });
    expect(second).toMatchObject({ written: 0, unchanged: 2 });

    clock = new Date(clock.getTime() + 3_600_000); // past 1.5 × 600 s
    const third = await syncObservedState({
      client,
      registry: mem.registry,
      tenantId,
      records: mem.all(),
      // Core's Clock (issue 12): "inactive" below is read from it; the deprecated `now` is ignored.
      clock: { now: () => clock.getTime() },
      now: () => new Date(0),
    });
    expect(third.written).toBe(1);
    expect(mem.get('dev_s0001').observed_state?.data.chirpstack).toMatchObject({ state: 'inactive' });
  });

  it('reports a record changed by someone else (412) as an error, not a lost write', async () => {
    const mem = memoryRegistry([sensor(1)]);
    const desired = { ...desiredState(0), registry_devices: mem.all() };
    await applyPlan(await planReconcile(desired, client, { resolveSecret }), client, {
      resolveSecret,
      registry: mem.registry,
    });
    const tenantId = [...fake.state.tenants.values()][0]!.id;
    const stale = structuredClone(mem.get('dev_s0001'));
    stale.observed_state = { ...stale.observed_state!, version: 0 };
    fake.setDeviceSeen(eui(201), clock, { battery_level: 50 });
    const result = await syncObservedState({
      client,
      registry: mem.registry,
      tenantId,
      records: [stale],
      now,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({ device_id: 'dev_s0001', code: 'precondition_failed' }),
    ]);
  });
});
