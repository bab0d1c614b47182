import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { FieldopsEvent } from '@fieldops/contracts/events/v1';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  createHealthMonitor,
  exportFleet,
  type HealthEvent,
  mergeFleetSnapshots,
  planReconcile,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { CANARY_KEY, desiredState, eui, resolveSecret } from './helpers.js';

let fake: FakeChirpStack;
let client: ChirpStackClient;
let clock = new Date('2026-11-27T10:00:00Z');
const now = () => clock;

beforeEach(async () => {
  clock = new Date('2026-11-27T10:00:00Z');
  fake = await startFakeChirpStack({ now });
  client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
  const desired = desiredState(3);
  desired.registry_devices = [];
  desired.devices![0]!.device_id = 'dev_0001' as never;
  await applyPlan(await planReconcile(desired, client, { resolveSecret }), client, { resolveSecret });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

const tenantId = () => [...fake.state.tenants.values()][0]!.id;
const ago = (s: number) => new Date(clock.getTime() - s * 1000);

describe('health monitor', () => {
  it('emits contract events on transitions only', async () => {
    const seen: HealthEvent[] = [];
    let n = 0;
    const monitor = createHealthMonitor({
      client,
      tenantId: tenantId(),
      siteId: 'site_0001',
      source: '/sites/site_0001/chirpstack',
      batteryThreshold: 20,
      heartbeatIntervalMs: 0,
      reassertIntervalMs: 0, // edge-triggered: the level-triggered re-sends are in monitor-level.test.ts
      now,
      newId: () => `evt-${++n}`,
      onEvent: (e) => {
        seen.push(e);
      },
    });
    fake.setGatewaySeen('aa555a0000000001', ago(10));
    for (let i = 0; i < 3; i++) fake.setDeviceSeen(eui(i), ago(60), { battery_level: 80 });
    expect(await monitor.poll()).toEqual([]); // baseline

    clock = new Date(clock.getTime() + 120_000); // gateway silent for 130 s > 2 × 30 s
    fake.setDeviceSeen(eui(1), ago(5), { battery_level: 12 });
    const events = await monitor.poll();
    expect(events.map((e) => `${e.type}:${e.subject}`).sort()).toEqual([
      `io.fieldops.chirpstack.device.battery_low.v1:${eui(1)}`,
      'io.fieldops.chirpstack.gateway.offline.v1:aa555a0000000001',
    ]);
    for (const e of events) expect(FieldopsEvent.safeParse(e).success).toBe(true);
    const offline = events.find((e) => e.type === 'io.fieldops.chirpstack.gateway.offline.v1');
    expect(offline?.data).toMatchObject({ state: 'offline', previous_state: 'online', site_id: 'site_0001' });
    expect(await monitor.poll()).toEqual([]); // still offline, still low: nothing new

    clock = new Date(clock.getTime() + 900_000 * 1.5); // past 1.5 × 600 s for devices 0 and 2
    fake.setGatewaySeen('aa555a0000000001', ago(1));
    fake.setDeviceSeen(eui(1), ago(1));
    const later = await monitor.poll();
    expect(later.map((e) => `${e.type}:${e.subject}`).sort()).toEqual([
      `io.fieldops.chirpstack.device.inactive.v1:${eui(0)}`,
      `io.fieldops.chirpstack.device.inactive.v1:${eui(2)}`,
      'io.fieldops.chirpstack.gateway.online.v1:aa555a0000000001',
    ]);
    const inactive = later.find((e) => e.subject === eui(0));
    expect(inactive?.data).toMatchObject({ device_id: 'dev_0001', expected_uplink_interval_s: 600 });
    expect(seen).toHaveLength(5);
  });
});

describe('fleet export', () => {
  it('exports a valid snapshot through a read-only client, without keys', async () => {
    fake.setDeviceSeen(eui(0), ago(30), { battery_level: 55, margin: 7 });
    fake.setGatewaySeen('aa555a0000000001', ago(5));
    const ro = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken, readOnly: true });
    const snap = await exportFleet(ro, { siteId: 'site_bkk01', now });
    ro.close();
    expect(FleetSnapshot.parse(snap)).toBeTruthy();
    expect(snap.devices).toHaveLength(3);
    expect(snap.devices.find((d) => d.dev_eui === eui(0))).toMatchObject({
      device_id: 'dev_0001',
      battery_level: 55,
      margin: 7,
      application: 'sensors',
      device_profile: 'as923-2-class-a',
    });
    expect(snap.gateways).toEqual([
      { gateway_eui: 'aa555a0000000001', name: 'gw-1', state: 'online', last_seen_at: ago(5).toISOString() },
    ]);
    expect(snap.device_profiles[0]?.region).toBe('as923_2');
    // GetVersion refuses API keys (chirpstack/src/api/internal.rs:969-980 at v4.19.0): no version.
    expect(snap.source.chirpstack_version).toBeUndefined();
    expect(JSON.stringify(snap)).not.toContain(CANARY_KEY);
  });

  it('merging site snapshots reports the same DevEUI at two sites as a conflict', async () => {
    const a = await exportFleet(client, { siteId: 'site_aaaa', now });
    const b = await exportFleet(client, { siteId: 'site_bbbb', now });
    const c = { ...b, site_id: 'site_cccc' as FleetSnapshot['site_id'], devices: [], gateways: [] };
    b.devices = b.devices.slice(0, 1);
    b.gateways = [];
    const merged = mergeFleetSnapshots([a, b, c]);
    expect(merged.devices).toHaveLength(4);
    expect(merged.conflicts).toEqual([{ kind: 'device', key: eui(0), sites: ['site_aaaa', 'site_bbbb'] }]);
    expect(merged.sites.map((s) => s.site_id)).toEqual(['site_aaaa', 'site_bbbb', 'site_cccc']);
  });
});

describe('health monitor timer', () => {
  it('start() polls on an interval and stop() ends it', async () => {
    const seen: HealthEvent[] = [];
    const monitor = createHealthMonitor({
      client,
      tenantId: tenantId(),
      now,
      heartbeatIntervalMs: 0,
      onEvent: (e) => {
        seen.push(e);
      },
    });
    fake.setGatewaySeen('aa555a0000000001', new Date(clock.getTime() - 300_000));
    monitor.start(5);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    monitor.stop();
    expect(seen[0]?.type).toBe('io.fieldops.chirpstack.gateway.offline.v1');
  });
});
