// Scale bench for @fieldops/cockpit (issue 17 item 6; figures printed, not asserted).
// Workload: 50 sites, 10,000 devices (200 a site), 200 gateways; events at 200/s
// (device uplinks, battery reports, gateways going offline and back).
//   1. the first state a new client gets: bytes of the fleet surface, of one site surface and of every
//      surface (goal: the first surface ≤ 1 MB);
//   2. bytes on the stream per event (the cockpit's deltas) against re-sending each changed surface's
//      whole data model (the baseline a non-delta source would send), and ingest cost per event;
//   3. in Debian chromium with @a2ui/lit (the /cockpit page's renderer): time from a delta's arrival to
//      the frame after it is applied, against applying the same change as a whole re-sent site model,
//      measured in the same page.
// Run with `pnpm bench` (root) or `pnpm --filter @fieldops/cockpit bench`; part 3 is skipped with a
// message when /usr/bin/chromium is missing.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type CockpitEvent,
  createCockpit,
  createCockpitListener,
  type FleetView,
  siteSurfaceId,
} from '../src/index.js';

const SITES = 50;
const DEVICES_PER_SITE = 200;
const GATEWAYS_PER_SITE = 4;
const RATE = 200; // events/s
const EVENTS = 2_000; // 10 s of traffic
const MB = 1024 * 1024;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEBSITE = path.resolve(import.meta.dirname, '../../../website');

const hex = (n: number, w = 16) => n.toString(16).padStart(w, '0');
const siteId = (s: number) => `site_01jf3t7x9k2m4n6p8q0r${s.toString().padStart(6, '0')}`;
const devEui = (s: number, d: number) => `70b3d57e${hex(s, 4)}${hex(d, 4)}`;
const gwEui = (s: number, g: number) => `0016c001${hex(s, 4)}${hex(g, 4)}`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const kb = (b: number) => `${fmt(b / 1024, 1)} KB`;
const sse = (m: unknown, id?: number) =>
  `${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(m)}\n\n`;
const bytes = (s: string) => Buffer.byteLength(s);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const fleet: FleetView = {
  sites: async () => Array.from({ length: SITES }, (_, s) => ({ site_id: siteId(s), stale: false })),
  gateways: async (f) => {
    const s = Number(f?.siteId?.slice(-6));
    return Array.from({ length: GATEWAYS_PER_SITE }, (_, g) => ({
      site_id: siteId(s),
      gateway_eui: gwEui(s, g),
      name: `site ${s} mast ${g}`,
      state: 'online' as const,
      last_seen_at: '2026-12-01T03:00:00Z',
    }));
  },
  devices: async (f) => {
    const s = Number(f?.siteId?.slice(-6));
    return Array.from({ length: DEVICES_PER_SITE }, (_, d) => ({
      site_id: siteId(s),
      dev_eui: devEui(s, d),
      name: `site ${s} cold room sensor ${d}`,
      last_seen_at: '2026-12-01T03:00:00Z',
      battery_level: 90,
    }));
  },
};

/** The i-th event of the stream: 90 % uplinks, 5 % battery reports, 5 % a gateway going offline or back. */
function eventAt(i: number): CockpitEvent {
  const s = (i * 7) % SITES;
  const time = new Date(Date.parse('2026-12-01T03:00:00Z') + (i + 1) * (1000 / RATE)).toISOString();
  const kind = i % 20;
  if (kind === 0) {
    const g = (i / 20) % GATEWAYS_PER_SITE;
    const state = Math.floor(i / 20 / GATEWAYS_PER_SITE) % 2 === 0 ? 'offline' : 'online';
    return {
      type: `io.fieldops.chirpstack.gateway.${state}.v1`,
      time,
      data: { gateway_eui: gwEui(s, g), site_id: siteId(s), state, last_seen_at: time },
    };
  }
  const d = (i * 13) % DEVICES_PER_SITE;
  if (kind === 1)
    return {
      type: 'io.fieldops.chirpstack.device.battery_low.v1',
      time,
      data: { dev_eui: devEui(s, d), site_id: siteId(s), battery_level: 10 + (i % 10) },
    };
  return {
    type: 'io.fieldops.chirpstack.device.uplink.v1',
    time,
    data: { dev_eui: devEui(s, d), site_id: siteId(s) },
  };
}

async function loaded() {
  const cockpit = createCockpit({ fleet, siteNames: {} });
  await cockpit.loadFleet();
  return cockpit;
}

// ---- 1. the first state -------------------------------------------------------------------------
const cockpit = await loaded();
const first = (id: string) => bytes((cockpit.currentState(id, false) ?? []).map((m) => sse(m)).join(''));
const fleetBytes = first('fleet');
const siteBytes = first(siteSurfaceId(siteId(0)));
const allBytes = cockpit.surfaceIds().reduce((n, id) => n + first(id), 0);
console.log(`cockpit bench: ${SITES} sites, ${fmt(SITES * DEVICES_PER_SITE)} devices, ${RATE} events/s`);
console.log('1. first state a new client gets (SSE bytes)');
console.log(
  `   fleet surface:            ${kb(fleetBytes)}  (${fmt((fleetBytes / MB) * 100, 1)} % of the 1 MB goal)`,
);
console.log(`   one site surface:         ${kb(siteBytes)}  (${DEVICES_PER_SITE} devices)`);
console.log(`   every surface (${cockpit.surfaceIds().length}):      ${kb(allBytes)}`);

// ---- 2. deltas per event ------------------------------------------------------------------------
{
  const c = await loaded();
  let deltaBytes = 0;
  let messages = 0;
  const changed = new Set<string>();
  c.subscribe(({ seq, message }) => {
    deltaBytes += bytes(sse(message, seq));
    messages++;
    if ('updateDataModel' in message) changed.add(message.updateDataModel.surfaceId);
  });
  let wholeBytes = 0;
  const events = Array.from({ length: EVENTS }, (_, i) => eventAt(i));
  const t0 = performance.now();
  for (const e of events) {
    changed.clear();
    c.ingest(e);
    // The baseline: each surface the event changed, re-sent whole (its data model at "/").
    for (const id of changed) wholeBytes += bytes(sse((c.currentState(id, true) ?? [])[0], 0));
  }
  const ingestMs = performance.now() - t0;
  // Ingest alone (no baseline serialisation) on a fresh cockpit.
  const c2 = await loaded();
  c2.subscribe(() => {});
  const t1 = performance.now();
  for (const e of events) c2.ingest(e);
  const ingestOnly = performance.now() - t1;
  console.log(`2. ${fmt(EVENTS)} events (${EVENTS / RATE} s at ${RATE}/s) to a client on every surface`);
  console.log(
    `   deltas:                   ${fmt(deltaBytes / EVENTS)} bytes/event (${fmt(messages / EVENTS, 2)} messages/event)`,
  );
  console.log(`   baseline, surfaces re-sent whole: ${fmt(wholeBytes / EVENTS)} bytes/event`);
  console.log(`   ratio baseline/deltas:    ${fmt(wholeBytes / deltaBytes, 1)}×`);
  console.log(
    `   stream at ${RATE} events/s:    ${kb((deltaBytes / EVENTS) * RATE)}/s with deltas, ${kb((wholeBytes / EVENTS) * RATE)}/s re-sending`,
  );
  console.log(
    `   ingest (state, models, diff): ${fmt((ingestOnly / EVENTS) * 1000)} µs/event, ${fmt(EVENTS / (ingestOnly / 1000))} events/s (${fmt(EVENTS / (ingestOnly / 1000) / RATE, 1)}× the ${RATE}/s asked)`,
  );
  void ingestMs;
}

// ---- 3. applying an update in chromium ----------------------------------------------------------
const PAGE_ENTRY = `
import { basicCatalog } from '@a2ui/lit/v0_9';
import { MessageProcessor } from '@a2ui/web_core/v0_9';
const q = new URLSearchParams(location.search);
const root = document.getElementById('root');
const processor = new MessageProcessor([basicCatalog]);
processor.model.onSurfaceCreated.subscribe((surface) => {
  const el = document.createElement('a2ui-surface');
  el.surface = surface;
  root.append(el);
});
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const applied = [];
let pending = 0;
window.__bench = { applied, pending: () => pending, initial: 0 };
const es = new EventSource('/cockpit/stream?surfaces=' + q.get('surfaces'));
es.onmessage = (ev) => {
  const t0 = performance.now();
  processor.processMessages([JSON.parse(ev.data)]);
  if (!ev.lastEventId) { window.__bench.initial++; return; }
  pending++;
  frame().then(() => { applied.push(performance.now() - t0); pending--; });
};
// One at a time on an idle page: one device's last seen as the cockpit sends it (a delta at its data
// path), and the baseline, the same change as the whole site model re-sent.
window.__oneByOne = async (surfaceId, n, whole) => {
  const surface = processor.model.getSurface(surfaceId);
  const out = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.now() + i).toISOString();
    const k = (i * 37) % surface.dataModel.get('/devices').length;
    let message;
    if (whole) {
      const value = structuredClone(surface.dataModel.get('/'));
      value.devices[k].last_seen = at;
      message = { version: 'v0.9', updateDataModel: { surfaceId, path: '/', value } };
    } else message = { version: 'v0.9', updateDataModel: { surfaceId, path: '/devices/' + k + '/last_seen', value: at } };
    const t0 = performance.now();
    processor.processMessages([message]);
    await frame();
    out.push(performance.now() - t0);
  }
  return out;
};
`;

async function browserPart() {
  if (!existsSync(CHROMIUM)) {
    console.log(`3. skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const script = (
    await build({
      stdin: { contents: PAGE_ENTRY, resolveDir: WEBSITE, loader: 'js' },
      bundle: true,
      format: 'esm',
      write: false,
      minify: true,
      logLevel: 'silent',
    })
  ).outputFiles[0]?.text;
  const c = await loaded();
  const listener = createCockpitListener({ cockpit: c, heartbeatMs: 60_000 });
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/bench.js'))
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url?.startsWith('/cockpit/')) listener(req, res);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/bench.js"></script>',
        );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message.slice(0, 200)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text().slice(0, 200));
    });
    const site0 = siteSurfaceId(siteId(0));
    const t0 = performance.now();
    await page.goto(`${url}/?surfaces=fleet,${site0}`);
    await page.getByText('site 0 cold room sensor 199').first().waitFor({ timeout: 120_000 });
    const firstRender = performance.now() - t0;
    // 200 events/s, every one for site 0 (the site on the page), sent in 50 ms ticks of 10.
    const N = 1_000;
    const siteEvents = Array.from({ length: N }, (_, i) => {
      const e = eventAt(i * SITES);
      return { ...e, data: { ...(e.data as object), site_id: siteId(0) } } as CockpitEvent;
    });
    const seq0 = c.seq;
    const start = performance.now();
    for (let i = 0; i < N; i += 10) {
      for (const e of siteEvents.slice(i, i + 10)) c.ingest(e);
      const due = start + ((i + 10) / RATE) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    // Wait until every delta sent was applied (or nothing moved for 10 s: then report what arrived).
    const sentCount = c.seq - seq0;
    let last = -1;
    let still = performance.now();
    for (;;) {
      const [n, p] = await page.evaluate(() => {
        const b = (globalThis as unknown as { __bench: { applied: number[]; pending: () => number } })
          .__bench;
        return [b.applied.length, b.pending()];
      });
      if (n >= sentCount && p === 0) break;
      if (n !== last) [last, still] = [n, performance.now()];
      else if (performance.now() - still > 10_000) {
        console.log(
          `   (only ${n} of ${sentCount} deltas applied, ${p} pending; page errors: ${errors.join(' | ') || 'none'})`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const sent = c.seq - seq0;
    const applied = await page.evaluate(
      () => (globalThis as unknown as { __bench: { applied: number[] } }).__bench.applied,
    );
    const oneByOne = (whole: boolean) =>
      page.evaluate(
        ([id, w]) =>
          (
            globalThis as unknown as { __oneByOne: (s: string, n: number, w: boolean) => Promise<number[]> }
          ).__oneByOne(id, 100, w),
        [site0, whole] as [string, boolean],
      );
    const delta = await oneByOne(false);
    const whole = await oneByOne(true);
    console.log(`3. chromium + @a2ui/lit, page on the fleet and one site (${DEVICES_PER_SITE} devices)`);
    console.log(`   first state to rendered:  ${fmt(firstRender)} ms`);
    console.log(
      `   live stream, ${fmt(N)} events at ${RATE}/s (${fmt(sent)} deltas): arrival to the next frame median ${fmt(pct(applied, 50))} ms, p95 ${fmt(pct(applied, 95))} ms, max ${fmt(Math.max(...applied))} ms (${fmt(applied.length)} applied)`,
    );
    console.log(
      `   one update at a time, idle page: delta median ${fmt(pct(delta, 50), 1)} ms (p95 ${fmt(pct(delta, 95), 1)}), whole site model re-sent median ${fmt(pct(whole, 50), 1)} ms (p95 ${fmt(pct(whole, 95), 1)})`,
    );
    console.log(`   ratio whole/delta (median): ${fmt(pct(whole, 50) / pct(delta, 50), 1)}×`);
  } finally {
    await browser.close();
    listener.close();
    server.closeAllConnections();
    server.close();
  }
}
await browserPart();
