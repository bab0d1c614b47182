import { FieldopsEvent } from '@fieldops/contracts/events/v1';
import { describe, expect, it } from 'vitest';
import {
  createBackendHealthMonitor,
  createStationHealthTracker,
  withStationHealth,
} from '../../src/rfid/index.js';
import { createRfidMswKit } from '../../src/testing/index.js';

const BASE = 'http://rfid.site.lan';
const STN = 'stn_01jd8y3k2m00000000000001';
let clock = new Date('2026-11-30T10:00:00Z');
const now = () => clock;
const advance = (s: number) => {
  clock = new Date(clock.getTime() + s * 1000);
};

let n = 0;
const heartbeat = (queueDepth: number, skewS = 0) => ({
  event_id: `hb-${STN}-${++n}`,
  station_id: STN,
  occurred_at: new Date(clock.getTime() + skewS * 1000).toISOString(),
  type: 'heartbeat',
  uptime_s: 3600,
  queue_depth: queueDepth,
});
const read = (valid = true) => ({
  event_id: `read-${STN}-${++n}`,
  station_id: STN,
  occurred_at: clock.toISOString(),
  type: 'tag_read',
  epc: 'e28011700000020a1b2c3d4e',
  antenna: 1,
  rssi_dbm: valid ? -52 : 12, // +12 dBm is outside the contract (≤ 0)
});
const post = (events: unknown[]) =>
  new Request(`${BASE}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `key-${++n}-xxxxxxxx` },
    body: JSON.stringify({ events }),
  });

function setup() {
  clock = new Date('2026-11-30T10:00:00Z');
  const kit = createRfidMswKit({ baseUrl: BASE, backend: { stations: [STN] } }); // known: events of an unclaimed station are 404
  const tracker = createStationHealthTracker({
    source: '/sites/site_0001/rfid',
    siteId: 'site_0001',
    // Core's Clock (issue 12); the clock-skew and backlog cases below depend on it being read.
    clock: { now: () => clock.getTime() },
    now: () => new Date(0), // deprecated: ignored beside `clock`
    reassertIntervalMs: 300_000,
  });
  return { handler: withStationHealth(kit.handler, tracker), tracker };
}
const summary = (events: ReturnType<ReturnType<typeof setup>['tracker']['evaluate']>) =>
  events.map((e) => `${e.data.condition}:${e.data.status}`);

describe('RFID station health (through the real provider handler)', () => {
  it('fires spool backlog and clock skew from heartbeats, re-asserts them, resolves them', async () => {
    const { handler, tracker } = setup();
    expect((await handler(post([heartbeat(0, 95)]))).status).toBe(200);
    const events = tracker.evaluate();
    expect(summary(events)).toEqual(['clock_skew:firing']);
    expect(events[0]?.data).toMatchObject({
      station_id: STN,
      value: 95,
      threshold: 30,
      site_id: 'site_0001',
    });
    for (const e of events) expect(FieldopsEvent.parse(e)).toBeTruthy();

    advance(60);
    await handler(post([heartbeat(4200)]));
    expect(summary(tracker.evaluate())).toEqual(['spool_backlog:firing']); // skew was reported a minute ago
    advance(300);
    await handler(post([heartbeat(3900)]));
    expect(summary(tracker.evaluate()).sort()).toEqual(['clock_skew:firing', 'spool_backlog:firing']);
    advance(60);
    await handler(post([heartbeat(0, 1)]));
    expect(summary(tracker.evaluate()).sort()).toEqual(['clock_skew:resolved', 'spool_backlog:resolved']);
    expect(tracker.evaluate()).toEqual([]);
  });

  it('fires heartbeat missed for a station that goes silent, and for a watched one that never spoke', async () => {
    const { handler, tracker } = setup();
    tracker.watch('stn_01jd8y3k2m00000000000002');
    await handler(post([heartbeat(0)]));
    advance(120);
    expect(tracker.evaluate()).toEqual([]);
    advance(61);
    const missed = tracker.evaluate();
    expect(missed.map((e) => `${e.subject}:${e.data.condition}`).sort()).toEqual([
      `${STN}:heartbeat_missed`,
      'stn_01jd8y3k2m00000000000002:heartbeat_missed',
    ]);
    await handler(post([heartbeat(0)]));
    expect(summary(tracker.evaluate())).toEqual(['heartbeat_missed:resolved']);
  });

  it('fires the ingest error rate when the backend refuses a station’s batches as invalid', async () => {
    const { handler, tracker } = setup();
    await handler(post(Array.from({ length: 30 }, () => read())));
    expect(
      (await handler(post(Array.from({ length: 10 }, () => read(false))))).status,
    ).toBeGreaterThanOrEqual(400);
    const events = tracker.evaluate();
    expect(summary(events)).toEqual(['ingest_error_rate:firing']);
    expect(events[0]?.data).toMatchObject({ value: 0.25, threshold: 0.1 });
    advance(601); // the refused batch leaves the 10-minute window
    await handler(post(Array.from({ length: 30 }, () => read())));
    expect(summary(tracker.evaluate())).toEqual(['heartbeat_missed:firing', 'ingest_error_rate:resolved']);
  });
});

describe('RFID backend health', () => {
  it('reports a backend found down at start, re-asserts it, and reports the recovery', async () => {
    clock = new Date('2026-11-30T10:00:00Z');
    let up = false;
    const kit = createRfidMswKit({ baseUrl: BASE, backend: { stations: [STN] } }); // known: events of an unclaimed station are 404
    const monitor = createBackendHealthMonitor({
      baseUrl: BASE,
      source: '/sites/site_0001/rfid',
      now,
      reassertIntervalMs: 300_000,
      fetch: async (input, init) =>
        up
          ? kit.handler(new Request(input, init))
          : Promise.reject(new TypeError('fetch failed: ECONNREFUSED')),
    });
    const first = await monitor.check();
    expect(first?.data).toMatchObject({
      status: 'down',
      previous_status: 'down',
      detail: 'fetch failed: ECONNREFUSED',
    });
    expect(FieldopsEvent.parse(first)).toBeTruthy();
    advance(60);
    expect(await monitor.check()).toBeUndefined();
    advance(300);
    expect((await monitor.check())?.data.status).toBe('down');
    up = true;
    expect((await monitor.check())?.data).toMatchObject({ status: 'ok', previous_status: 'down' });
    expect(await monitor.check()).toBeUndefined();
  });
});
