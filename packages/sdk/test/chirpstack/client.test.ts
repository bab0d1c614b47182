import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChirpStackClient,
  ChirpStackInvalidArgumentError,
  ChirpStackNotFoundError,
  ChirpStackReadOnlyError,
  ChirpStackUnauthenticatedError,
  ChirpStackUnavailableError,
  collect,
  createChirpStackClient,
  isDuplicateKeyError,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { CANARY_KEY, eui, memoryLogger } from './helpers.js';

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
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

async function seed() {
  const tenantId = await client.createTenant({ name: 'site-a' });
  const appId = await client.createApplication({ tenant_id: tenantId, name: 'sensors' });
  const profileId = await client.createDeviceProfile({
    tenant_id: tenantId,
    name: 'p',
    region: 'as923_3',
    mac_version: 'LORAWAN_1_0_4',
    reg_params_revision: 'RP002_1_0_3',
    supports_otaa: true,
    uplink_interval_s: 300,
  });
  return { tenantId, appId, profileId };
}

describe('ChirpStackClient over real gRPC', () => {
  it('round-trips tenants, applications and device profiles as plain objects', async () => {
    const { tenantId, appId, profileId } = await seed();
    expect(await client.getTenant(tenantId)).toMatchObject({ id: tenantId, name: 'site-a' });
    expect(await client.getApplication(appId)).toMatchObject({ tenant_id: tenantId, name: 'sensors' });
    const profile = await client.getDeviceProfile(profileId);
    expect(profile).toMatchObject({
      region: 'as923_3',
      mac_version: 'LORAWAN_1_0_4',
      uplink_interval_s: 300,
    });
    expect(Object.getPrototypeOf(profile)).toBe(Object.prototype);
    await client.updateApplication(appId, { tenant_id: tenantId, name: 'sensors', description: 'x' });
    expect((await client.getApplication(appId)).description).toBe('x');
  });

  it('creates devices with upper-case EUIs, lists them page by page with total_count', async () => {
    const { appId, profileId } = await seed();
    for (let i = 0; i < 25; i++)
      await client.createDevice({
        dev_eui: eui(i).toUpperCase(),
        name: `d${String(i).padStart(2, '0')}`,
        application_id: appId,
        device_profile_id: profileId,
        tags: { line: 'L1' },
      });
    const page = await client.listDevicesPage({ application_id: appId, limit: 10, offset: 20 });
    expect(page.total_count).toBe(25);
    expect(page.items.map((d) => d.name)).toEqual(['d20', 'd21', 'd22', 'd23', 'd24']);
    fake.resetCounters();
    const all = await collect(client.listDevices(appId, { pageSize: 10 }));
    expect(all).toHaveLength(25);
    expect(all[0]).toMatchObject({ dev_eui: eui(0), device_profile_name: 'p', tags: { line: 'L1' } });
    expect(fake.rpcCounts()).toEqual({ 'DeviceService/List': 3 });
    const empty = await client.listDevicesPage({ application_id: appId, limit: 0 });
    expect(empty).toEqual({ total_count: 25, items: [] });
  });

  it('maps gRPC statuses to typed errors', async () => {
    const { appId, profileId } = await seed();
    const device = { dev_eui: eui(1), name: 'd', application_id: appId, device_profile_id: profileId };
    await client.createDevice(device);
    // ChirpStack 4.19 answers a duplicate key with INTERNAL, never ALREADY_EXISTS.
    const duplicate = await client.createDevice(device).catch((e) => e);
    expect(duplicate).toMatchObject({ code: 'internal', status: 13 });
    expect(isDuplicateKeyError(duplicate)).toBe(true);
    await expect(client.getDevice(eui(2))).rejects.toBeInstanceOf(ChirpStackNotFoundError);
    await expect(client.createDevice({ ...device, dev_eui: 'zz' })).rejects.toBeInstanceOf(
      ChirpStackInvalidArgumentError,
    );
    const error = await client.getDevice(eui(2)).catch((e) => e);
    expect(error).toMatchObject({ code: 'not_found', status: 5, operation: 'DeviceService/Get' });
    expect(error.message).toMatch(/^@fieldops\/sdk\/chirpstack: DeviceService\/Get failed/);
  });

  it('sends the bearer token; without the right one the server answers UNAUTHENTICATED', async () => {
    const bad = createChirpStackClient({ target: fake.target, apiToken: 'wrong' });
    await expect(bad.listTenantsPage({ limit: 1 })).rejects.toBeInstanceOf(ChirpStackUnauthenticatedError);
    bad.close();
    const lazy = createChirpStackClient({
      target: fake.target,
      apiToken: () => Promise.resolve(fake.apiToken),
    });
    expect((await lazy.listTenantsPage({ limit: 1 })).total_count).toBe(0);
    lazy.close();
  });

  it('retries UNAVAILABLE with backoff and gives up after the configured attempts', async () => {
    fake.failNext(2);
    expect((await client.listTenantsPage({ limit: 1 })).total_count).toBe(0);
    expect(fake.rpcCounts()['TenantService/List']).toBe(3);
    const ok = log.lines.find((l) => l.obj.operation === 'TenantService/List');
    expect(ok?.obj).toMatchObject({ outcome: 'ok', attempt: 3, contract: 'chirpstack' });
    fake.failNext(10);
    await expect(client.listTenantsPage({ limit: 1 })).rejects.toBeInstanceOf(ChirpStackUnavailableError);
    fake.failNext(0);
  });

  it('does not retry errors other than UNAVAILABLE', async () => {
    fake.resetCounters();
    await expect(client.getTenant('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(
      ChirpStackNotFoundError,
    );
    expect(fake.rpcTotal()).toBe(1);
  });

  it('applies a deadline to each attempt', async () => {
    const slow = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken, deadlineMs: 20 });
    fake.setLatency(200);
    const error = await slow.listTenantsPage({ limit: 1 }).catch((e) => e);
    expect(error.code).toBe('deadline_exceeded');
    fake.setLatency(0);
    slow.close();
  });

  it('readOnly refuses every mutating call before it leaves the process', async () => {
    const ro = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken, readOnly: true });
    fake.resetCounters();
    await expect(ro.createTenant({ name: 'x' })).rejects.toBeInstanceOf(ChirpStackReadOnlyError);
    await expect(ro.deleteDevice(eui(1))).rejects.toBeInstanceOf(ChirpStackReadOnlyError);
    await expect(ro.createDeviceKeys({ dev_eui: eui(1), nwk_key: CANARY_KEY })).rejects.toBeInstanceOf(
      ChirpStackReadOnlyError,
    );
    expect(fake.rpcTotal()).toBe(0);
    expect((await ro.listTenantsPage({ limit: 5 })).total_count).toBe(0);
    expect(fake.rpcTotal()).toBe(1);
    ro.close();
  });

  it('writes keys to nwk_key (LoRaWAN 1.0.x), reads them back redacted, never logs them', async () => {
    const { appId, profileId } = await seed();
    await client.createDevice({
      dev_eui: eui(7),
      name: 'd',
      application_id: appId,
      device_profile_id: profileId,
    });
    await client.createDeviceKeys({ dev_eui: eui(7), nwk_key: { reveal: () => CANARY_KEY } });
    expect(fake.state.devices.get(eui(7))?.keys).toEqual({
      nwk_key: CANARY_KEY,
      app_key: '',
      gen_app_key: '',
    });
    const keys = await client.getDeviceKeys(eui(7));
    expect(keys.nwk_key.reveal()).toBe(CANARY_KEY);
    expect(keys.app_key).toBeNull();
    expect(JSON.stringify(keys)).not.toContain(CANARY_KEY);
    expect(String(keys.nwk_key)).toBe('[redacted]');
    expect(
      isDuplicateKeyError(
        await client.createDeviceKeys({ dev_eui: eui(7), nwk_key: CANARY_KEY }).catch((e) => e),
      ),
    ).toBe(true);
    await client.updateDeviceKeys({ dev_eui: eui(7), nwk_key: CANARY_KEY.replace('c0', 'd0') });
    expect(JSON.stringify(log.lines)).not.toContain(CANARY_KEY);
    expect(JSON.stringify(log.lines)).not.toContain(fake.apiToken);
    // A malformed key is refused before it is sent, and the error never shows the value.
    const badKey = `${CANARY_KEY.slice(0, 30)}zz`;
    fake.resetCounters();
    const error = await client.updateDeviceKeys({ dev_eui: eui(7), nwk_key: badKey }).catch((e) => e);
    expect(error).toBeInstanceOf(ChirpStackInvalidArgumentError);
    expect(error.message).toContain('nwk_key must be 32 hex digits (value not shown)');
    expect(error.message).not.toContain(badKey);
    expect(fake.rpcTotal()).toBe(0);
  });

  it('logs one structured line per call', async () => {
    await client.getVersion().catch(() => undefined);
    await client.listTenantsPage({ limit: 1 });
    expect(log.lines).toHaveLength(2);
    for (const line of log.lines)
      expect(Object.keys(line.obj)).toEqual(
        expect.arrayContaining([
          'contract',
          'version',
          'operation',
          'target',
          'outcome',
          'duration_ms',
          'attempt',
          'correlation_id',
        ]),
      );
  });

  it("times calls with core's Clock (issue 12); the deprecated `now` is ignored beside it", async () => {
    let reads = 0;
    const lines = memoryLogger();
    const timed = createChirpStackClient({
      target: fake.target,
      apiToken: fake.apiToken,
      logger: lines.logger,
      clock: { now: () => ++reads * 1_000_000 }, // each read a thousand seconds later
      now: () => 0,
    });
    try {
      await timed.listTenantsPage({ limit: 1 });
    } finally {
      timed.close();
    }
    expect(reads).toBeGreaterThanOrEqual(2);
    const duration = lines.lines[0]?.obj.duration_ms as number;
    expect(duration).toBeGreaterThanOrEqual(1_000_000);
    expect(duration % 1_000_000).toBe(0);
  });

  it('activates devices (ABP) and reads the activation back with redacted session keys', async () => {
    const { appId, profileId } = await seed();
    await client.createDevice({
      dev_eui: eui(9),
      name: 'abp',
      application_id: appId,
      device_profile_id: profileId,
    });
    expect(await client.getDeviceActivation(eui(9))).toBeNull();
    await client.activateDevice({
      dev_eui: eui(9),
      dev_addr: '01ABCDEF',
      app_s_key: CANARY_KEY,
      nwk_s_enc_key: CANARY_KEY,
      s_nwk_s_int_key: CANARY_KEY,
      f_nwk_s_int_key: CANARY_KEY,
    });
    const a = await client.getDeviceActivation(eui(9));
    expect(a?.dev_addr).toBe('01abcdef');
    expect(JSON.stringify(a)).not.toContain(CANARY_KEY);
    await client.deactivateDevice(eui(9));
    expect(await client.getDeviceActivation(eui(9))).toBeNull();
  });

  it('reads device status, last seen, link metrics and summaries', async () => {
    const { tenantId, appId, profileId } = await seed();
    await client.createDevice({
      dev_eui: eui(3),
      name: 'd',
      application_id: appId,
      device_profile_id: profileId,
    });
    const seen = new Date(Date.now() - 60_000);
    fake.setDeviceSeen(eui(3), seen, { battery_level: 42.5, margin: 8 });
    const d = await client.getDevice(eui(3));
    expect(d.last_seen_at?.toISOString()).toBe(seen.toISOString());
    expect(d.status).toEqual({ margin: 8, external_power_source: false, battery_level: 42.5 });
    const [item] = await collect(client.listDevices(appId));
    expect(item?.status?.battery_level).toBe(42.5);
    const metrics = await client.getDeviceLinkMetrics(eui(3), {
      start: new Date(Date.now() - 3_600_000),
      end: new Date(),
    });
    expect(metrics.rx_packets?.datasets[0]?.data).toEqual([1]);
    expect(metrics.gw_rssi?.timestamps[0]).toBeInstanceOf(Date);
    expect(await client.getDevicesSummary(tenantId)).toEqual({
      active_count: 1,
      inactive_count: 0,
      never_seen_count: 0,
    });
  });

  it('reports gateway state from last seen (offline past 2 × stats interval)', async () => {
    const { tenantId } = await seed();
    await client.createGateway({
      gateway_id: 'AA555A0000000001',
      tenant_id: tenantId,
      name: 'gw',
      stats_interval_s: 30,
    });
    await client.createGateway({
      gateway_id: 'aa555a0000000002',
      tenant_id: tenantId,
      name: 'gw2',
      stats_interval_s: 30,
    });
    await client.createGateway({
      gateway_id: 'aa555a0000000003',
      tenant_id: tenantId,
      name: 'gw3',
      stats_interval_s: 30,
    });
    fake.setGatewaySeen('aa555a0000000001', new Date(Date.now() - 10_000));
    fake.setGatewaySeen('aa555a0000000002', new Date(Date.now() - 61_000));
    const states = Object.fromEntries(
      (await collect(client.listGateways(tenantId))).map((g) => [g.name, g.state]),
    );
    expect(states).toEqual({ gw: 'online', gw2: 'offline', gw3: 'never_seen' });
    expect(await client.getGatewaysSummary(tenantId)).toEqual({
      online_count: 1,
      offline_count: 1,
      never_seen_count: 1,
    });
    const g = await client.getGateway('aa555a0000000001');
    expect(g).toMatchObject({ gateway_id: 'aa555a0000000001', stats_interval_s: 30 });
  });

  it('opens one CLIENT span per call when given a tracer, marked as error on failure', async () => {
    const spans: { name: string; attributes: Record<string, unknown>; status?: unknown; ended: boolean }[] =
      [];
    const tracer = {
      startSpan(name: string, opts: { attributes: Record<string, unknown> }) {
        const span = { name, attributes: { ...opts.attributes }, status: undefined as unknown, ended: false };
        spans.push(span);
        return {
          spanContext: () => ({
            traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
            spanId: '00f067aa0ba902b7',
            traceFlags: 1,
          }),
          setAttribute: (k: string, v: unknown) => {
            span.attributes[k] = v;
          },
          setStatus: (st: unknown) => {
            span.status = st;
          },
          end: () => {
            span.ended = true;
          },
        };
      },
    };
    const traced = createChirpStackClient({
      target: fake.target,
      apiToken: fake.apiToken,
      tracer: tracer as never,
    });
    await traced.listTenantsPage({ limit: 1 });
    await traced.getTenant('00000000-0000-0000-0000-000000000000').catch(() => undefined);
    traced.close();
    expect(spans.map((s) => s.name)).toEqual([
      'chirpstack.v4 TenantService/List',
      'chirpstack.v4 TenantService/Get',
    ]);
    expect(spans[0]).toMatchObject({
      ended: true,
      attributes: { 'rpc.system': 'grpc', 'rpc.method': 'List' },
    });
    expect(spans[1]).toMatchObject({
      ended: true,
      status: { code: 2 },
      attributes: { 'rpc.grpc.status_code': 5 },
    });
  });
});
