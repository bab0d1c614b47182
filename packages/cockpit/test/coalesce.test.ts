// Coalescing (decision 0040): a burst of events becomes far fewer stream messages than events, and a
// client is left with exactly the state it would have had from a cockpit that sends every change at
// once, whether it watched the whole burst, joined in the middle of it or came back with
// Last-Event-ID. Real HTTP servers on loopback, the SSE stream parsed as a browser would.
import { ServerMessage } from '@fieldops/contracts/cockpit/v1';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Cockpit,
  type CockpitEvent,
  createCockpit,
  createCockpitListener,
  type FleetView,
} from '../src/index.js';
import { applyMessage, type ClientModels } from './support/data-model.js';
import { listen } from './support/server.js';
import { openSse, type SseReader } from './support/sse.js';

const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
const GW = ['0016c001ff10a235', '0016c001ff10a236'];
const DEVICES = Array.from({ length: 40 }, (_, i) => `0004a30b001c${(0x0500 + i).toString(16)}`);
const SURFACES = `fleet,site-${SITE}`;

const view: FleetView = {
  sites: async () => [{ site_id: SITE, stale: false }],
  gateways: async () =>
    GW.map((eui, i) => ({
      site_id: SITE,
      gateway_eui: eui,
      name: `mast ${i}`,
      state: 'online' as const,
      last_seen_at: '2026-12-01T05:00:00.000Z',
    })),
  devices: async () =>
    DEVICES.map((eui, i) => ({
      site_id: SITE,
      dev_eui: eui,
      name: `probe ${i}`,
      last_seen_at: null,
      battery_level: 80,
    })),
};

/**
 * The i-th event of the burst: uplinks on a few devices (the same paths written again and again),
 * battery reports, a gateway flapping, runs (a list that grows: its parent written whole), and
 * devices the fleet view did not know (the device list grows).
 */
function burstEvent(i: number, n: number): CockpitEvent {
  const time = new Date(Date.parse('2026-12-01T05:00:00Z') + i * 5).toISOString();
  if (i === n - 1 || i % 25 === 0) {
    // The last event of the burst takes gateway 0 offline: the state the client must end with.
    const state = i === n - 1 || (i / 25) % 2 === 1 ? 'offline' : 'online';
    return {
      type: `io.fieldops.chirpstack.gateway.${state}.v1`,
      time,
      data: { gateway_eui: GW[0], site_id: SITE, state, last_seen_at: time },
    };
  }
  if (i % 31 === 0)
    return {
      type: 'io.fieldops.automation.run.succeeded.v1',
      time,
      data: { site_id: SITE, automation_run_id: `run-${i}`, project: 'demo', status: 'succeeded' },
    };
  if (i % 97 === 0)
    return {
      type: 'io.fieldops.chirpstack.device.uplink.v1',
      time,
      data: { dev_eui: `70b3d57e0000${(0x1000 + i).toString(16)}`, site_id: SITE, name: `new ${i}` },
    };
  if (i % 7 === 0)
    return {
      type: 'io.fieldops.chirpstack.device.battery_low.v1',
      time,
      data: { dev_eui: DEVICES[i % 5], site_id: SITE, battery_level: i % 100 },
    };
  return {
    type: 'io.fieldops.chirpstack.device.uplink.v1',
    time,
    data: { dev_eui: DEVICES[i % 5], site_id: SITE },
  };
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function start(coalesceMs: number) {
  const cockpit = createCockpit({ fleet: view, siteNames: { [SITE]: 'Chiang Mai farm' }, coalesceMs });
  await cockpit.loadFleet();
  const listener = createCockpitListener({ cockpit, heartbeatMs: 60_000 });
  const server = await listen(listener);
  open.push(server, { close: () => listener.close() }, { close: () => cockpit.close() });
  return { cockpit, url: `${server.url}/cockpit/stream?surfaces=${SURFACES}` };
}
const track = (r: SseReader) => {
  open.push(r);
  return r;
};
/** Waits until the stream has delivered the cockpit's last message. */
const caughtUp = (r: SseReader, cockpit: Cockpit) =>
  r.waitFor((e) => e.id !== undefined && Number(e.id) === cockpit.seq, 60_000);
const modelsOf = (r: SseReader): ClientModels => {
  const models: ClientModels = new Map();
  for (const e of r.events) applyMessage(models, e.data as Record<string, unknown>);
  return models;
};
/** The current state a new client would get, as a client holds it. */
const currentModels = (cockpit: Cockpit): ClientModels => {
  const models: ClientModels = new Map();
  for (const id of SURFACES.split(','))
    for (const m of cockpit.currentState(id, false) ?? []) applyMessage(models, m as Record<string, unknown>);
  return models;
};
const deltas = (r: SseReader, from = 0) =>
  r.events.slice(from).filter((e) => (e.data as { updateDataModel?: { path: string } }).updateDataModel);

describe('cockpit coalescing (flush window)', () => {
  it('sends a burst of events as far fewer messages than events, leaving the client with the same state as sending each change', async () => {
    const N = 600;
    const coalesced = await start(100);
    const immediate = await start(0);
    const a = track(await openSse(coalesced.url));
    const b = track(await openSse(immediate.url));
    await caughtUp(a, coalesced.cockpit);
    await caughtUp(b, immediate.cockpit);
    const [a0, b0] = [a.events.length, b.events.length];
    let joined: SseReader | undefined;
    let resumed: SseReader | undefined;
    // 600 events in bursts of 50 with a short pause: several flush windows pass during the burst.
    for (let i = 0; i < N; i++) {
      const e = burstEvent(i, N);
      coalesced.cockpit.ingest(e);
      immediate.cockpit.ingest(e);
      if (i === 300) {
        // A client joining mid-window: the window is published first, it gets the current state, then the deltas.
        joined = track(await openSse(coalesced.url));
        // A client that was here before, comes back with the last id it saw.
        resumed = track(await openSse(coalesced.url, { 'last-event-id': a.events.at(-1)?.id ?? '0' }));
      }
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 40));
    }
    // The last window ends before this timer fires (Node runs timers in the order they are due).
    await new Promise((r) => setTimeout(r, 150));
    await caughtUp(a, coalesced.cockpit);
    await caughtUp(b, immediate.cockpit);
    await caughtUp(joined!, coalesced.cockpit);
    await caughtUp(resumed!, coalesced.cockpit);

    const sentCoalesced = deltas(a, a0).length;
    const sentImmediate = deltas(b, b0).length;
    // Every event changed something shown: sending each change is at least one message per event.
    expect(sentImmediate).toBeGreaterThanOrEqual(N);
    expect(sentCoalesced).toBeLessThan(N / 4);
    for (const e of a.events)
      expect(ServerMessage.safeParse(e.data).success, JSON.stringify(e.data)).toBe(true);

    const final = modelsOf(b);
    expect(modelsOf(a)).toEqual(final);
    expect(modelsOf(joined!)).toEqual(final);
    expect(modelsOf(resumed!)).toEqual(final);
    expect(currentModels(coalesced.cockpit)).toEqual(final);
    // The state is the burst's last: gateway 0 offline, the runs and the new devices there.
    const site = final.get(`site-${SITE}`) as {
      gateways: { gateway_eui: string; state: string }[];
      devices: unknown[];
      runs: unknown[];
    };
    expect(site.gateways.find((g) => g.gateway_eui === GW[0])?.state).toBe('offline');
    const added = new Set(
      Array.from({ length: N }, (_, i) => (burstEvent(i, N).data as { dev_eui?: string }).dev_eui).filter(
        (eui) => eui !== undefined && !DEVICES.includes(eui),
      ),
    );
    expect(added.size).toBeGreaterThan(0);
    expect(site.devices.length).toBe(DEVICES.length + added.size);
    expect(site.runs.length).toBe(5);
    expect(JSON.stringify(final.get('fleet'))).toContain('gateways: 1 online, 1 offline');
  });

  it('publishes the window at once on flush(), and refuses a flush window that is not a number ≥ 0', async () => {
    const { cockpit, url } = await start(60_000);
    const r = track(await openSse(url));
    await caughtUp(r, cockpit);
    const before = r.events.length;
    cockpit.ingest(burstEvent(599, 600));
    await new Promise((res) => setTimeout(res, 200));
    expect(r.events.length).toBe(before);
    cockpit.flush();
    const fleet = await r.waitFor(
      (e) => (e.data as { updateDataModel?: { path: string } }).updateDataModel?.path === '/sites/0/gateways',
    );
    expect(fleet.data).toMatchObject({
      updateDataModel: { surfaceId: 'fleet', value: 'gateways: 1 online, 1 offline' },
    });
    expect(Number(fleet.id)).toBe(cockpit.seq);
    expect(() => createCockpit({ coalesceMs: -1 })).toThrow(/coalesceMs must be a number ≥ 0 \(got -1\)/);
    expect(() => createCockpit({ coalesceMs: Number.NaN })).toThrow(/coalesceMs/);
  });
});
