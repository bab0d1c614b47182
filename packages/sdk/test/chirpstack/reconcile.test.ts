import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Plan } from '@fieldops/contracts/chirpstack/v1';
import type { Device as RegistryDevice } from '@fieldops/contracts/registry/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApplyWriter,
  applyPlan,
  type ChirpStackClient,
  changeCount,
  createChirpStackClient,
  createFileJournal,
  formatPlanTable,
  planReconcile,
  type RegistryWriteBack,
  SYNC_TAG,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { CANARY_KEY, desiredState, eui, memoryLogger, resolveSecret } from './helpers.js';

let fake: FakeChirpStack;
let client: ChirpStackClient;
const log = memoryLogger();

beforeEach(async () => {
  fake = await startFakeChirpStack();
  log.lines.length = 0;
  client = createChirpStackClient({
    target: fake.target,
    apiToken: fake.apiToken,
    logger: log.logger,
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
  });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

const mutatingCalls = () =>
  Object.entries(fake.rpcCounts())
    .filter(([k]) => !/\/(List|Get)$/.test(k))
    .reduce((sum, [, n]) => sum + n, 0);

async function converge(desired = desiredState(20)) {
  const plan = await planReconcile(desired, client, { resolveSecret });
  const result = await applyPlan(plan, client, { resolveSecret });
  expect(result.errors).toEqual([]);
  return { plan, result };
}

describe('planReconcile', () => {
  it('plans everything as create against an empty ChirpStack, as a valid contract Plan', async () => {
    const { plan } = { plan: await planReconcile(desiredState(3), client, { resolveSecret }) };
    expect(Plan.parse(plan.toJSON())).toBeTruthy();
    expect(plan.plan.summary).toEqual({ create: 1 + 1 + 1 + 1 + 3 + 3, update: 0, delete: 0, unchanged: 0 });
    const keys = plan.plan.changes.find((c) => c.entity === 'device_keys');
    expect(keys?.diff).toEqual([{ field: 'nwk_key', secret: true }]);
    expect(fake.rpcCounts()).toEqual({ 'TenantService/List': 1 });
  });

  it('uses one paginated List per application and no per-device Get', async () => {
    await converge(desiredState(45));
    fake.resetCounters();
    const plan = await planReconcile(desiredState(45), client, { resolveSecret, pageSize: 10 });
    expect(changeCount(plan)).toBe(0);
    const counts = fake.rpcCounts();
    expect(counts['DeviceService/List']).toBe(5);
    expect(counts['DeviceService/Get']).toBeUndefined();
    expect(counts['DeviceService/GetKeys']).toBeUndefined();
  });

  it('shows field diffs for updates, keys only as changed, and nothing secret in JSON, table or logs', async () => {
    await converge(desiredState(5));
    const desired = desiredState(5);
    desired.applications.push({ name: 'meters' });
    const d = desired.devices!;
    d[0]!.name = 'renamed';
    d[1]!.join_eui = '70B3D57ED0000001';
    d[2]!.tags = { line: 'L2' };
    d[3]!.application = 'meters';
    d[4]!.variables = { site: 'bkk' };
    const rotated = 'feedfacefeedfacefeedfacefeedface';
    const plan = await planReconcile(desired, client, { resolveSecret: async () => rotated });
    const byKey = (entity: string, key: string) =>
      plan.plan.changes.find((c) => c.entity === entity && c.key === key);
    expect(byKey('device', eui(0))?.diff).toContainEqual({ field: 'name', from: 'dev-00000', to: 'renamed' });
    expect(byKey('device', eui(1))?.diff).toContainEqual({ field: 'join_eui', to: '70b3d57ed0000001' });
    expect(byKey('device', eui(2))?.diff).toContainEqual({ field: 'tags', from: {}, to: { line: 'L2' } });
    expect(byKey('device', eui(3))?.diff).toContainEqual({
      field: 'application',
      from: 'sensors',
      to: 'meters',
    });
    expect(byKey('device', eui(4))?.diff).toContainEqual({ field: 'variables', to: { site: 'bkk' } });
    expect(byKey('device_keys', eui(0))).toMatchObject({
      action: 'update',
      diff: [{ field: 'nwk_key', secret: true }],
    });
    const text = JSON.stringify(plan.plan) + formatPlanTable(plan.plan) + JSON.stringify(log.lines);
    expect(text).not.toContain(rotated);
    expect(text).not.toContain(CANARY_KEY);
    expect(formatPlanTable(plan.plan)).toContain('nwk_key: changed');

    const result = await applyPlan(plan, client, { resolveSecret: async () => rotated });
    expect(result.errors).toEqual([]);
    expect(fake.state.devices.get(eui(0))?.keys?.nwk_key).toBe(rotated);
    const meters = [...fake.state.applications.values()].find((a) => a.name === 'meters');
    expect(fake.state.devices.get(eui(3))?.application_id).toBe(meters?.id);
    expect(fake.state.devices.get(eui(4))?.variables).toEqual({ site: 'bkk' });
    const again = await planReconcile(desired, client, { resolveSecret: async () => rotated });
    expect(changeCount(again)).toBe(0);
  });

  it("reads time from core's Clock: the duration is the clock's", async () => {
    const plan = await planReconcile(desiredState(3), client, { resolveSecret });
    let t = Date.parse('2026-01-01T00:00:00Z');
    // Each reading moves the clock 7 s: the duration is a multiple of 7,000 ms, whatever the real time.
    const clock = { now: () => (t += 7_000) };
    const result = await applyPlan(plan, client, { resolveSecret, clock });
    expect(result.errors).toEqual([]);
    expect(result.duration_ms).toBeGreaterThan(0);
    expect(result.duration_ms % 7_000).toBe(0);
  });

  it('deletes only with prune: true', async () => {
    await converge(desiredState(4));
    const smaller = desiredState(2);
    smaller.gateways = [];
    const keep = await planReconcile(smaller, client, { resolveSecret });
    expect(keep.plan.summary.delete).toBe(0);
    const prune = await planReconcile(smaller, client, { resolveSecret, prune: true });
    expect(
      prune.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.entity}:${c.key}`),
    ).toEqual(['gateway:aa555a0000000001', `device:${eui(2)}`, `device:${eui(3)}`]);
    await applyPlan(prune, client, { resolveSecret });
    expect(fake.state.devices.size).toBe(2);
    expect(fake.state.gateways.size).toBe(0);
  });
});

describe('applyPlan', () => {
  it('is idempotent: a second apply of a fresh plan writes nothing', async () => {
    await converge(desiredState(20));
    expect(fake.state.devices.size).toBe(20);
    expect([...fake.state.devices.values()].every((d) => d.keys?.nwk_key === CANARY_KEY)).toBe(true);
    expect(fake.state.devices.get(eui(0))?.tags[SYNC_TAG]).toMatch(/^v1;/);
    fake.resetCounters();
    const plan = await planReconcile(desiredState(20), client, { resolveSecret });
    expect(changeCount(plan)).toBe(0);
    const result = await applyPlan(plan, client, { resolveSecret });
    expect(result.applied).toBe(0);
    expect(mutatingCalls()).toBe(0);
  });

  it('applying the same plan twice never duplicates (AlreadyExists becomes an update)', async () => {
    const plan = await planReconcile(desiredState(5), client, { resolveSecret });
    await applyPlan(plan, client, { resolveSecret });
    const stale = await planReconcile(desiredState(5), client, { resolveSecret });
    expect(changeCount(stale)).toBe(0);
    // Replay the first plan's device and gateway creates against the converged server.
    const replay = {
      ...plan,
      context: stale.context,
      steps: plan.steps.filter((s) => s.kind === 'device' || s.kind === 'gateway'),
    };
    const result = await applyPlan(replay, client, { resolveSecret });
    expect(result.errors).toEqual([]);
    expect(fake.state.devices.size).toBe(5);
  });

  it('survives UNAVAILABLE in the middle of an apply (retries), and reports entities that still fail', async () => {
    const plan = await planReconcile(desiredState(30), client, { resolveSecret });
    let creates = 0;
    const flaky: ApplyWriter = {
      ...client,
      createDevice: async (d) => {
        creates += 1;
        if (creates === 10) fake.failNext(2);
        return client.createDevice(d);
      },
    };
    const result = await applyPlan(plan, flaky, { resolveSecret, concurrency: 1 });
    expect(result.errors).toEqual([]);
    expect(fake.state.devices.size).toBe(30);
    expect(fake.rpcCounts()['DeviceService/Create']).toBe(32);

    // An outage longer than the retries: those entities fail, the rest goes on, the next run heals.
    const more = desiredState(40);
    const plan2 = await planReconcile(more, client, { resolveSecret });
    let calls = 0;
    const outage: ApplyWriter = {
      ...client,
      createDevice: async (d) => {
        calls += 1;
        if (calls === 3) fake.failNext(4);
        return client.createDevice(d);
      },
    };
    const partial = await applyPlan(plan2, outage, { resolveSecret, concurrency: 1 });
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors[0]).toMatchObject({ entity: 'device', code: 'unavailable' });
    const healed = await applyPlan(await planReconcile(more, client, { resolveSecret }), client, {
      resolveSecret,
    });
    expect(healed.errors).toEqual([]);
    expect(changeCount(await planReconcile(more, client, { resolveSecret }))).toBe(0);
    expect(fake.state.devices.size).toBe(40);
  });

  it('resumes after a crash between two applies: the journal finishes half-written devices', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-cs-'));
    try {
      const journal = createFileJournal(join(dir, 'apply.journal'));
      const desired = desiredState(12);
      const plan = await planReconcile(desired, client, { resolveSecret, journal });
      const abort = new AbortController();
      let keyWrites = 0;
      // The process "dies" at the 5th key write: the device exists, its keys do not, and no more
      // work starts.
      const dying: ApplyWriter = {
        ...client,
        createDeviceKeys: async (k) => {
          keyWrites += 1;
          if (keyWrites === 5) {
            abort.abort();
            throw new Error('process killed');
          }
          return client.createDeviceKeys(k);
        },
      };
      const crashed = await applyPlan(plan, dying, {
        resolveSecret,
        journal,
        concurrency: 1,
        signal: abort.signal,
      });
      expect(crashed.skipped).toBe(7);
      expect(crashed.errors.filter((e) => e.code !== 'skipped')).toEqual([
        expect.objectContaining({ entity: 'device_keys', key: eui(4), message: 'process killed' }),
      ]);
      const created = fake.state.devices.size;
      expect(created).toBe(5);
      const halfDone = [...fake.state.devices.values()].filter((d) => !d.keys);
      expect(halfDone).toHaveLength(1);

      // A new process: fresh client, same journal file.
      const journal2 = createFileJournal(join(dir, 'apply.journal'));
      const resumed = await planReconcile(desired, client, { resolveSecret, journal: journal2 });
      const keysChange = resumed.plan.changes.find(
        (c) => c.entity === 'device_keys' && c.key === halfDone[0]!.dev_eui,
      );
      expect(keysChange?.action).not.toBe('unchanged');
      const result = await applyPlan(resumed, client, { resolveSecret, journal: journal2 });
      expect(result.errors).toEqual([]);
      expect(fake.state.devices.size).toBe(12);
      expect([...fake.state.devices.values()].every((d) => d.keys?.nwk_key === CANARY_KEY)).toBe(true);
      expect(fake.rpcCounts()['DeviceService/Create']).toBe(12);
      expect(await journal2.pending()).toEqual(new Set());
      expect(await readFile(join(dir, 'apply.journal'), 'utf8')).toBe(''); // compacted
      expect(changeCount(await planReconcile(desired, client, { resolveSecret, journal: journal2 }))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('collects per-entity errors instead of aborting the run', async () => {
    const desired = desiredState(3);
    desired.devices![1]!.device_profile = 'not-declared';
    const plan = await planReconcile(desired, client, { resolveSecret });
    const result = await applyPlan(plan, client, { resolveSecret });
    expect(result.errors).toEqual([
      expect.objectContaining({ entity: 'device', key: eui(1), code: 'skipped' }),
    ]);
    expect(fake.state.devices.size).toBe(2);
  });

  it('writes external refs and observed state back to the registry, once', async () => {
    const patches: { id: string; patch: Parameters<RegistryWriteBack['patchObservedState']>[1] }[] = [];
    const registry: RegistryWriteBack = {
      async patchObservedState(id, patch) {
        patches.push({ id, patch });
        return {};
      },
    };
    const record = (i: number, refs?: Record<string, string>): RegistryDevice =>
      ({
        device_id: `dev_${String(i).padStart(4, '0')}`,
        customer_id: 'cus_0001',
        site_id: 'site_0001',
        product_code: 'TH-1',
        product_version: '1.0.0',
        role: 'sensor',
        desired_state: {
          version: 1,
          updated_at: '2026-11-27T10:00:00Z',
          data: {
            chirpstack: {
              application: 'sensors',
              device_profile: 'as923-2-class-a',
              keys: { nwk_key_ref: 'vault:kv/site#app_key' },
            },
          },
        },
        external_refs: { chirpstack: { dev_eui: eui(100 + i), ...refs } },
        created_at: '2026-11-27T10:00:00Z',
        updated_at: '2026-11-27T10:00:00Z',
      }) as unknown as RegistryDevice;
    const desired = { ...desiredState(0), registry_devices: [record(1), record(2)] };
    const plan = await planReconcile(desired, client, { resolveSecret });
    const result = await applyPlan(plan, client, { resolveSecret, registry });
    expect(result.errors).toEqual([]);
    expect(result.written_back).toBe(2);
    expect(fake.state.devices.get(eui(101))?.tags.fieldops_device_id).toBe('dev_0001');
    const refs = patches[0]!.patch.external_refs?.chirpstack;
    expect(refs).toMatchObject({ dev_eui: eui(101), device_id: eui(101) });
    expect(refs?.application_id).toBe([...fake.state.applications.values()][0]!.id);
    expect(JSON.stringify(patches)).not.toContain(CANARY_KEY);

    const known = { application_id: refs!.application_id!, tenant_id: refs!.tenant_id! };
    const converged = { ...desired, registry_devices: [record(1, known), record(2, known)] };
    const again = await planReconcile(converged, client, { resolveSecret });
    patches.length = 0;
    await applyPlan(again, client, { resolveSecret, registry });
    expect(patches).toEqual([]);
  });

  it('turns registry gateway records into gateways and writes their refs back', async () => {
    const patches: { id: string; patch: Parameters<RegistryWriteBack['patchObservedState']>[1] }[] = [];
    const registry: RegistryWriteBack = {
      async patchObservedState(id, patch) {
        patches.push({ id, patch });
        return {};
      },
    };
    const gatewayRecord = (refs: Record<string, string>) =>
      ({
        device_id: 'dev_gw000001',
        customer_id: 'cus_0001',
        site_id: 'site_0001',
        gateway_id: 'gw_0001',
        name: 'dock gateway',
        product_code: 'GW-8',
        product_version: '2.0.0',
        role: 'gateway',
        desired_state: {
          version: 1,
          updated_at: '2026-11-27T10:00:00Z',
          data: { chirpstack: { stats_interval_s: 60, location: { latitude: 13.7, longitude: 100.5 } } },
        },
        external_refs: { chirpstack: { device_id: 'AA555A00000000FF', ...refs } },
        created_at: '2026-11-27T10:00:00Z',
        updated_at: '2026-11-27T10:00:00Z',
      }) as unknown as RegistryDevice;
    const desired = { ...desiredState(0), registry_devices: [gatewayRecord({})] };
    const plan = await planReconcile(desired, client, { resolveSecret });
    expect(plan.problems).toEqual([]);
    const result = await applyPlan(plan, client, { resolveSecret, registry });
    expect(result.errors).toEqual([]);
    expect(fake.state.gateways.get('aa555a00000000ff')).toMatchObject({
      name: 'dock gateway',
      stats_interval: 60,
    });
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({
      id: 'dev_gw000001',
      patch: { external_refs: { chirpstack: { device_id: 'aa555a00000000ff' } } },
    });
    const tenant = patches[0]!.patch.external_refs!.chirpstack!.tenant_id!;
    patches.length = 0;
    const again = await planReconcile(
      { ...desired, registry_devices: [gatewayRecord({ tenant_id: tenant })] },
      client,
      { resolveSecret },
    );
    expect(changeCount(again)).toBe(0);
    await applyPlan(again, client, { resolveSecret, registry });
    expect(patches).toEqual([]);
  });

  it('a read-only client plans but every write is refused locally', async () => {
    const ro = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken, readOnly: true });
    const plan = await planReconcile(desiredState(2), ro, { resolveSecret });
    fake.resetCounters();
    const result = await applyPlan(plan, ro, { resolveSecret });
    expect(result.errors[0]).toMatchObject({ entity: 'tenant', code: 'read_only' });
    expect(fake.rpcTotal()).toBe(0);
    ro.close();
  });
});
