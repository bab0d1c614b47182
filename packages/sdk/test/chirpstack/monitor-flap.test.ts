import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChirpStackClient,
  createChirpStackClient,
  createHealthMonitor,
  type HealthEvent,
} from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';

// Once a gateway is reported offline it is reported online again only on evidence of life newer than
// the offline report: a stats message sent after it (its own `time`, on our clock), a conn ONLINE
// received after it, or a ChirpStack `last_seen_at` after it. Stale evidence must not flap an incident
// (the demo under load ~25: offline, "online again", offline, so the acked incident was a new one).

let fake: FakeChirpStack;
let client: ChirpStackClient;
let clock = new Date('2026-12-01T07:00:00Z');
const now = () => clock;
const GW = 'ac1f09fffe0a0b01';
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const at = (ms: number) => new Date(Date.parse('2026-12-01T07:00:00Z') + ms).toISOString();
const kinds = (events: HealthEvent[]) =>
  events.map((e) => `${e.type.split('.').slice(-2, -1)[0]}:${e.subject ?? ''}`);

beforeEach(async () => {
  clock = new Date('2026-12-01T07:00:00Z');
  fake = await startFakeChirpStack({ now });
});
afterEach(async () => {
  client?.close();
  await fake.stop();
});

function monitor() {
  client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
  return createHealthMonitor({
    client,
    tenantId: 'unused',
    now,
    heartbeatIntervalMs: 0,
    reassertIntervalMs: 0,
    statsIntervalS: 1, // the demo's: offline after 1.5 s without stats
  });
}

describe('a gateway reported offline is not flapped online by stale evidence', () => {
  it('a stats message sent before the offline report but handled after it (starved event loop) does not resolve it', async () => {
    const m = monitor();
    await m.observeGateway({ gatewayId: GW, kind: 'conn', state: 'online' });
    // Stats every second, each handled 20 ms after the gateway stamped it.
    for (const t of [0, 1000, 2000]) {
      clock = new Date(Date.parse(at(t)) + 20);
      expect(await m.observeGateway({ gatewayId: GW, kind: 'stats', time: at(t) })).toEqual([]);
    }
    // The gateway sends stats at 3000 and then fails. The event loop is starved from 2100 to 3600: the
    // check timer runs first (nothing handled since 2020, 1580 ms > 1500 ms) and reports it offline...
    clock = new Date(at(3600));
    expect(kinds(await m.checkGateways())).toEqual([`offline:${GW}`]);
    // ...then the stats message queued at 3000 is handled. It is older than the offline report.
    advance(5);
    expect(await m.observeGateway({ gatewayId: GW, kind: 'stats', time: at(3000) })).toEqual([]);
    advance(1000);
    expect(await m.checkGateways()).toEqual([]); // still the same outage: nothing new to report
    advance(60_000);
    expect(await m.checkGateways()).toEqual([]);
    // The gateway comes back: stats stamped after the offline report resolve it, once.
    clock = new Date(at(70_000));
    const back = await m.observeGateway({ gatewayId: GW, kind: 'stats', time: at(69_980) });
    expect(kinds(back)).toEqual([`online:${GW}`]);
    expect(back[0]?.data).toMatchObject({ state: 'online', previous_state: 'offline' });
  });

  it("a gateway's clock skew does not matter: its stats time is put on our clock by the offset of earlier stats", async () => {
    const m = monitor();
    const skew = -3_600_000; // the gateway's clock is an hour behind
    const gw = (t: number) => at(t + skew);
    for (const t of [0, 1000, 2000]) {
      clock = new Date(Date.parse(at(t)) + 20);
      await m.observeGateway({ gatewayId: GW, kind: 'stats', time: gw(t) });
    }
    clock = new Date(at(3600));
    expect(kinds(await m.checkGateways())).toEqual([`offline:${GW}`]);
    advance(5);
    expect(await m.observeGateway({ gatewayId: GW, kind: 'stats', time: gw(3000) })).toEqual([]); // stale
    clock = new Date(at(10_020));
    expect(kinds(await m.observeGateway({ gatewayId: GW, kind: 'stats', time: gw(10_000) }))).toEqual([
      `online:${GW}`,
    ]);
  });

  it('stats without a time, or a conn ONLINE, handled after the offline report resolve it', async () => {
    const m = monitor();
    await m.observeGateway({ gatewayId: GW, kind: 'stats' });
    advance(1600);
    expect(kinds(await m.checkGateways())).toEqual([`offline:${GW}`]);
    advance(10);
    expect(kinds(await m.observeGateway({ gatewayId: GW, kind: 'stats' }))).toEqual([`online:${GW}`]);
    await m.observeGateway({ gatewayId: GW, kind: 'conn', state: 'offline' });
    advance(10);
    expect(kinds(await m.observeGateway({ gatewayId: GW, kind: 'conn', state: 'online' }))).toEqual([
      `online:${GW}`,
    ]);
  });
});
