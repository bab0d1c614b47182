import { FieldopsEvent } from '@fieldops/contracts/events/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  createHealthMonitor,
  type HealthEvent,
  type HealthMonitorOptions,
  planReconcile,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { desiredState, eui, resolveSecret } from './helpers.js';

let fake: FakeChirpStack;
let client: ChirpStackClient;
let clock = new Date('2026-11-27T10:00:00Z');
const now = () => clock;
const GW = 'aa555a0000000001';
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const ago = (s: number) => new Date(clock.getTime() - s * 1000);

beforeEach(async () => {
  clock = new Date('2026-11-27T10:00:00Z');
  fake = await startFakeChirpStack({ now });
  client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
  const desired = desiredState(2);
  desired.registry_devices = [];
  await applyPlan(await planReconcile(desired, client, { resolveSecret }), client, { resolveSecret });
  for (let i = 0; i < 2; i++) fake.setDeviceSeen(eui(i), ago(60), { battery_level: 80 });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

function monitor(extra: Partial<HealthMonitorOptions> = {}) {
  const seen: HealthEvent[] = [];
  const m = createHealthMonitor({
    client,
    tenantId: [...fake.state.tenants.values()][0]!.id,
    siteId: 'site_0001',
    source: '/sites/site_0001/chirpstack',
    now,
    heartbeatIntervalMs: 0,
    onEvent: (e) => {
      seen.push(e);
    },
    ...extra,
  });
  return { m, seen };
}
const kinds = (events: HealthEvent[]) =>
  events.map((e) => `${e.type.split('.').slice(-2, -1)[0]}:${e.subject ?? ''}`);

describe('level-triggered ChirpStack health', () => {
  it('a monitor restarted mid-outage reports the outage, re-asserts it while it lasts, resolves it once', async () => {
    const first = monitor();
    fake.setGatewaySeen(GW, ago(10));
    expect(await first.m.poll()).toEqual([]);
    advance(3_600_000); // the gateway has been silent for an hour; the monitor process restarts
    const restarted = monitor({ reassertIntervalMs: 300_000 });
    const found = await restarted.m.poll();
    expect(kinds(found)).toContain(`offline:${GW}`);
    const offline = found.find((e) => e.type === 'io.fieldops.chirpstack.gateway.offline.v1');
    expect(FieldopsEvent.parse(offline)).toBeTruthy();
    expect(offline?.data).toMatchObject({ gateway_eui: GW, state: 'offline', site_id: 'site_0001' });
    // Devices silent for an hour are reported at start too (1.5 × their uplink interval passed).
    expect(kinds(found).filter((k) => k.startsWith('inactive:'))).toHaveLength(2);

    advance(60_000);
    expect(await restarted.m.poll()).toEqual([]); // reported a minute ago: not yet due again
    advance(300_000);
    expect(kinds(await restarted.m.poll())).toEqual(
      expect.arrayContaining([`offline:${GW}`, `inactive:${eui(0)}`, `inactive:${eui(1)}`]),
    ); // still down: re-asserted, so notify keeps the alert firing

    fake.setGatewaySeen(GW, ago(1));
    expect(kinds(await restarted.m.poll())).toEqual([`online:${GW}`]);
    expect(await restarted.m.poll()).toEqual([]);
  });

  it('a gateway that came back while the monitor was down is resolved after the restart (restoreFiring)', async () => {
    fake.setGatewaySeen(GW, ago(3_600));
    const before = monitor();
    expect(kinds(await before.m.poll())).toContain(`offline:${GW}`);
    // The monitor stops; the gateway comes back; a new run starts with what the old one left firing.
    fake.setGatewaySeen(GW, ago(5));
    const forgetful = monitor();
    expect(kinds(await forgetful.m.poll()).filter((k) => k.includes(GW))).toEqual([]); // nothing would resolve
    const restored = monitor({ restoreFiring: { gatewaysOffline: [GW.toUpperCase()] } });
    const found = await restored.m.poll();
    expect(kinds(found).filter((k) => k.includes(GW))).toEqual([`online:${GW}`]);
    expect(found.find((e) => e.subject === GW)?.data).toMatchObject({
      state: 'online',
      previous_state: 'offline',
    });
    expect(kinds(await restored.m.poll()).filter((k) => k.includes(GW))).toEqual([]); // resolved once
    // Still down at the restart: re-asserted at once, not after the re-assert interval.
    fake.setGatewaySeen(GW, ago(3_600));
    const stillDown = monitor({ reassertIntervalMs: 300_000, restoreFiring: { gatewaysOffline: [GW] } });
    expect(kinds(await stillDown.m.poll())).toContain(`offline:${GW}`);
  });

  it('builds the gateway state from MQTT: retained conn state at start, stats timeout at 1.5 × the interval', async () => {
    fake.setGatewaySeen(GW, ago(5));
    const { m } = monitor({ statsIntervalS: 30 });
    // The retained OFFLINE conn state arrives on subscribe, before any gRPC round.
    expect(
      kinds(await m.observeGateway({ gatewayId: GW.toUpperCase(), kind: 'conn', state: 'offline' })),
    ).toEqual([`offline:${GW}`]);
    expect(await m.poll()).toEqual([]); // gRPC says online, but the bridge said offline: no flapping
    expect(kinds(await m.observeGateway({ gatewayId: GW, kind: 'conn', state: 'online' }))).toEqual([
      `online:${GW}`,
    ]);
    await m.observeGateway({ gatewayId: GW, kind: 'stats' });
    advance(44_000);
    expect(await m.checkGateways()).toEqual([]); // 44 s < 45 s
    advance(2_000);
    const late = await m.checkGateways();
    expect(kinds(late)).toEqual([`offline:${GW}`]);
    expect(late[0]?.data).toMatchObject({ previous_state: 'online', last_seen_at: ago(46).toISOString() });
  });

  it('sends heartbeats, saying when ChirpStack cannot be polled', async () => {
    const { m, seen } = monitor({ heartbeatIntervalMs: 60_000 });
    fake.setGatewaySeen(GW, ago(5));
    await m.poll();
    advance(30_000);
    await m.checkGateways();
    advance(31_000);
    await m.checkGateways();
    const beats = seen.filter((e) => e.type === 'io.fieldops.site.agent.heartbeat.v1');
    expect(beats.map((b) => b.data)).toMatchObject([
      { sequence: 0, interval_s: 60, monitors: [{ name: 'chirpstack', ok: true }] },
      { sequence: 1, interval_s: 60, monitors: [{ name: 'chirpstack', ok: true }] },
    ]);
    for (const b of beats) expect(FieldopsEvent.parse(b)).toBeTruthy();
    await fake.stop();
    await expect(m.poll()).rejects.toThrow();
    const last = seen.at(-1);
    expect(last?.type).toBe('io.fieldops.site.agent.heartbeat.v1');
    expect(last?.data).toMatchObject({ sequence: 2, monitors: [{ name: 'chirpstack', ok: false }] });
  });
});
