// The cockpit's SSE stream over a real HTTP server: what a new client gets, deltas at data paths,
// and a reconnecting client (Last-Event-ID) getting the current state first.
import { ServerMessage } from '@fieldops/contracts/cockpit/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { createCockpit, createCockpitListener, type FleetView } from '../src/index.js';
import { listen } from './support/server.js';
import { openSse, type SseReader } from './support/sse.js';

const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
const HOSTILE = '<img src=x onerror="alert(1)"> **gw**';

/** The fleet view as the central store answers it (a site with two gateways and a device). */
const view: FleetView = {
  sites: async () => [{ site_id: SITE, stale: false }],
  gateways: async () => [
    {
      site_id: SITE,
      gateway_eui: '0016c001ff10a235',
      name: 'north mast',
      state: 'online',
      last_seen_at: '2026-11-30T23:00:00.000Z',
    },
    {
      site_id: SITE,
      gateway_eui: '0016c001ff10a236',
      name: HOSTILE,
      state: 'online',
      last_seen_at: '2026-11-30T23:00:00.000Z',
    },
  ],
  devices: async () => [
    { site_id: SITE, dev_eui: '0004a30b001c0530', name: 'soil-1', last_seen_at: null, battery_level: 80 },
  ],
};

const offline = (eui: string) => ({
  type: 'io.fieldops.chirpstack.gateway.offline.v1',
  time: '2026-11-30T23:05:00.000Z',
  data: {
    gateway_eui: eui,
    site_id: SITE,
    state: 'offline',
    previous_state: 'online',
    last_seen_at: '2026-11-30T23:01:00.000Z',
  },
});

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function start() {
  const cockpit = createCockpit({ fleet: view, siteNames: { [SITE]: 'Chiang Mai farm' } });
  await cockpit.loadFleet();
  const listener = createCockpitListener({ cockpit, heartbeatMs: 60_000 });
  const server = await listen(listener);
  open.push(server, { close: () => listener.close() });
  return { cockpit, url: `${server.url}/cockpit/stream` };
}
const track = (r: SseReader) => {
  open.push(r);
  return r;
};
const body = (e: { data: unknown }) => e.data as Record<string, Record<string, unknown>>;

describe('cockpit stream (SSE)', () => {
  it('gives a new client each surface (createSurface, updateComponents, the whole model), every message valid cockpit.v1', async () => {
    const { url } = await start();
    const r = track(await openSse(`${url}?surfaces=fleet,site-${SITE}`));
    expect(r.status).toBe(200);
    await r.waitFor((e) => body(e).updateDataModel?.surfaceId === `site-${SITE}`);
    const kinds = r.events.map((e) => Object.keys(body(e)).find((k) => k !== 'version'));
    expect(kinds).toEqual([
      'createSurface',
      'updateComponents',
      'updateDataModel',
      'createSurface',
      'updateComponents',
      'updateDataModel',
    ]);
    for (const e of r.events)
      expect(ServerMessage.safeParse(e.data).success, JSON.stringify(e.data)).toBe(true);
    const fleet = body(r.events[2]!).updateDataModel as {
      path: string;
      value: { sites: { name: string; gateways: string }[] };
    };
    expect(fleet.path).toBe('/');
    expect(fleet.value.sites).toEqual([
      expect.objectContaining({ name: 'Chiang Mai farm', gateways: 'gateways: 2 online, 0 offline' }),
    ]);
  });

  it('sends a gateway going offline as updateDataModel deltas at data paths, not a re-sent surface', async () => {
    const { cockpit, url } = await start();
    const r = track(await openSse(`${url}?surfaces=fleet,site-${SITE}`));
    await r.waitFor((e) => body(e).updateDataModel?.surfaceId === `site-${SITE}`);
    const before = r.events.length;
    expect(cockpit.ingest(offline('0016c001ff10a235'))).toBe(true);
    const fleetDelta = await r.waitFor((e) => body(e).updateDataModel?.path === '/sites/0/gateways');
    expect(body(fleetDelta).updateDataModel!.value).toBe('gateways: 1 online, 1 offline');
    // The gateways are sorted by name: the hostile name sorts first, "north mast" second.
    const siteDelta = await r.waitFor((e) => body(e).updateDataModel?.path === '/gateways/1/state');
    expect(body(siteDelta).updateDataModel).toMatchObject({ surfaceId: `site-${SITE}`, value: 'offline' });
    const after = r.events.slice(before);
    expect(after.every((e) => 'updateDataModel' in body(e) && body(e).updateDataModel!.path !== '/')).toBe(
      true,
    );
    expect(after.every((e) => e.id !== undefined && Number(e.id) > 0)).toBe(true);
  });

  it('gives a client that reconnects with Last-Event-ID the current state first, then the deltas', async () => {
    const { cockpit, url } = await start();
    const first = track(await openSse(`${url}?surfaces=fleet`));
    await first.waitFor((e) => body(e).updateDataModel?.path === '/');
    const lastId = first.events.at(-1)!.id!;
    first.close();
    // While the client is away, a gateway goes offline.
    cockpit.ingest(offline('0016c001ff10a236'));
    const again = track(await openSse(`${url}?surfaces=fleet`, { 'last-event-id': lastId }));
    const state = await again.waitFor(() => true);
    // It has the surface already: no createSurface (an error for an existing surface,
    // server_to_client.json CreateSurfaceMessage), the whole model with the missed change.
    expect(body(state).updateDataModel).toMatchObject({ surfaceId: 'fleet', path: '/' });
    expect(JSON.stringify(body(state).updateDataModel!.value)).toContain('gateways: 1 online, 1 offline');
    expect(Number(state.id)).toBeGreaterThan(Number(lastId));
    cockpit.ingest({ ...offline('0016c001ff10a235') });
    await again.waitFor((e) => body(e).updateDataModel?.value === 'gateways: 0 online, 2 offline');
  });

  it('keeps hostile names as data: a string value in the model, never a component or markup', async () => {
    const { url } = await start();
    const r = track(await openSse(`${url}?surfaces=site-${SITE}`));
    const model = await r.waitFor((e) => body(e).updateDataModel?.path === '/');
    const value = body(model).updateDataModel!.value as { gateways: { name: string }[] };
    expect(value.gateways.map((g) => g.name)).toContain(HOSTILE);
    const components = r.events.flatMap(
      (e) => (body(e).updateComponents?.components as { component: string }[]) ?? [],
    );
    expect(new Set(components.map((c) => c.component))).toEqual(new Set(['Column', 'Text', 'List', 'Row']));
    expect(JSON.stringify(components)).not.toContain('<img');
  });

  it('answers 404 naming the known surfaces for an unknown one', async () => {
    const { url } = await start();
    const res = await fetch(`${url}?surfaces=site-nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toContain(
      `known: fleet, incidents, site-${SITE}`,
    );
  });
});
