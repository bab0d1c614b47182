// Scale bench for @fieldops/cockpit (issue 17 item 6; figures printed, not asserted).
// Workload: 50 sites, 10,000 devices (200 a site), 200 gateways; events at 200/s
// (device uplinks, battery reports, gateways going offline and back).
//   1. the first state a new client gets: bytes of the fleet surface, of one site surface and of every
//      surface (goal: the first surface ≤ 1 MB);
//   2. bytes on the stream per event (the cockpit's deltas) against re-sending each changed surface's
//      whole data model (the baseline a non-delta source would send), and ingest cost per event;
//   3. in Debian chromium with @a2ui/lit (the /cockpit page's renderer): time from a delta's arrival to
//      the frame after it is applied, against applying the same change as a whole re-sent site model,
//      measured in the same page;
//   4. live in chromium, 200 events/s for one site (200 devices): lag from an event's ingest to the
//      frame that shows it (p50/p99), messages and bytes per event, time to apply an update, for the
//      baseline (every change sent at once, the page applying each message as it arrives) against
//      coalescing (a 100 ms flush window in the cockpit, the /cockpit page's mount.ts applying one
//      batch per animation frame), in the same run (decision 0040).
// Run with `pnpm bench` (root) or `pnpm --filter @fieldops/cockpit bench`; parts 3 and 4 are skipped
// with a message when /usr/bin/chromium is missing. LIVE_SECONDS sets part 4's coalesced run (30 s).
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

/** A cockpit with the whole fleet loaded; `coalesceMs` 0 (the default here) publishes each event's deltas at once. */
async function loaded(coalesceMs = 0) {
  const cockpit = createCockpit({ fleet, siteNames: {}, coalesceMs });
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
  // The same events with a 100 ms flush window (20 events at 200/s), each window flushed by hand.
  const c3 = await loaded(60_000);
  let windowBytes = 0;
  let windowMessages = 0;
  c3.subscribe(({ seq, message }) => {
    windowBytes += bytes(sse(message, seq));
    windowMessages++;
  });
  const perWindow = RATE / 10;
  const t2 = performance.now();
  events.forEach((e, i) => {
    c3.ingest(e);
    if (i % perWindow === perWindow - 1) c3.flush();
  });
  c3.flush();
  const windowMs = performance.now() - t2;
  c3.close();
  console.log(
    `   coalesced (100 ms window): ${fmt(windowBytes / EVENTS)} bytes/event (${fmt(windowMessages / EVENTS, 2)} messages/event), ${fmt((windowMs / EVENTS) * 1000)} µs/event (${fmt(ingestOnly / windowMs, 1)}× less work than per event)`,
  );
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

// ---- 4. live in chromium: 200 events/s for one site, baseline against coalescing ------------------
// The page records, one frame after each message (or batch) is applied, every device's last seen it
// now shows; an event is visible at the first such record for its device at its time or later.
const LIVE_ENTRY = `
import { basicCatalog } from '@a2ui/lit/v0_9';
import { MessageProcessor } from '@a2ui/web_core/v0_9';
import { mountCockpit } from './src/cockpit/mount.ts';
const q = new URLSearchParams(location.search);
const root = document.getElementById('root');
const site = q.get('site');
const order = [];
const seen = [];
const applyMs = [];
let lastId = '';
const afterFrame = (f) => requestAnimationFrame(() => setTimeout(f, 0));
const note = (messages, at) => {
  for (const m of messages) {
    const u = m.updateDataModel;
    if (!u || u.surfaceId !== site) continue;
    const path = u.path ?? '/';
    if (path === '/' || path === '/devices') {
      (path === '/' ? u.value.devices : u.value).forEach((d, k) => { order[k] = d.dev_eui; seen.push([d.dev_eui, d.last_seen, at]); });
      continue;
    }
    let x = /^\\/devices\\/(\\d+)\\/last_seen$/.exec(path);
    if (x) { seen.push([order[Number(x[1])], u.value, at]); continue; }
    x = /^\\/devices\\/(\\d+)$/.exec(path);
    if (x) { order[Number(x[1])] = u.value.dev_eui; seen.push([u.value.dev_eui, u.value.last_seen, at]); }
  }
};
window.__live = { seen, applyMs, lastId: () => lastId };
if (q.get('mode') === 'batch') {
  // The /cockpit page's own code: one batch per animation frame.
  mountCockpit(root, {
    cockpitUrl: location.origin + '/cockpit',
    surfaces: ['fleet', site],
    onApplied: (messages, ms) => {
      applyMs.push(ms);
      const id = root.dataset.lastEventId;
      afterFrame(() => { note(messages, Date.now()); lastId = id; });
    },
  });
} else {
  // The baseline: each message applied as it arrives (the page before decision 0040).
  const processor = new MessageProcessor([basicCatalog]);
  processor.model.onSurfaceCreated.subscribe((surface) => {
    const el = document.createElement('a2ui-surface');
    el.surface = surface;
    root.append(el);
  });
  const es = new EventSource('/cockpit/stream?surfaces=' + encodeURIComponent('fleet,' + site));
  es.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    const t0 = performance.now();
    processor.processMessages([m]);
    applyMs.push(performance.now() - t0);
    const id = ev.lastEventId;
    afterFrame(() => { note([m], Date.now()); if (id) lastId = id; });
  };
}
`;

/** The i-th event of the live run, all for site 0: uplinks on each device in turn (each device about once a second), battery reports, a gateway flapping. */
function liveEvent(i: number): CockpitEvent {
  const time = new Date(Date.parse('2026-12-01T04:00:00Z') + i * 5).toISOString();
  const site = siteId(0);
  const kind = i % 20;
  if (kind === 0) {
    const state = Math.floor(i / 20) % 2 === 0 ? 'offline' : 'online';
    return {
      type: `io.fieldops.chirpstack.gateway.${state}.v1`,
      time,
      data: { gateway_eui: gwEui(0, (i / 20) % GATEWAYS_PER_SITE), site_id: site, state, last_seen_at: time },
    };
  }
  const d = i % DEVICES_PER_SITE;
  if (kind === 1)
    return {
      type: 'io.fieldops.chirpstack.device.battery_low.v1',
      time,
      data: { dev_eui: devEui(0, d), site_id: site, battery_level: 10 + (i % 10) },
    };
  return {
    type: 'io.fieldops.chirpstack.device.uplink.v1',
    time,
    data: { dev_eui: devEui(0, d), site_id: site },
  };
}

interface LiveResult {
  events: number;
  uplinks: number;
  visible: number;
  lag: number[];
  messages: number;
  bytes: number;
  applyMs: number[];
  drainedMs: number;
}

/** One live run: `seconds` of 200 events/s for site 0 into a fresh cockpit and a fresh page. */
async function liveRun(
  browser: import('playwright-core').Browser,
  script: string,
  o: { coalesceMs: number; mode: 'each' | 'batch'; seconds: number },
): Promise<LiveResult> {
  const c = await loaded(o.coalesceMs);
  const listener = createCockpitListener({ cockpit: c, heartbeatMs: 60_000 });
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/live.js'))
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url?.startsWith('/cockpit/')) listener(req, res);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/live.js"></script>',
        );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  type Live = { seen: [string, string, number][]; applyMs: number[]; lastId: () => string };
  const live = <T>(f: (l: Live) => T) => page.evaluate(`(${f.toString()})(window.__live)`) as Promise<T>;
  try {
    const site0 = siteSurfaceId(siteId(0));
    await page.goto(`${url}/?mode=${o.mode}&site=${site0}`);
    await page.getByText('site 0 cold room sensor 199').first().waitFor({ timeout: 120_000 });
    const [seen0, apply0] = await live((l) => [l.seen.length, l.applyMs.length]);
    let messages = 0;
    let sent = 0;
    c.subscribe(({ seq, message }) => {
      messages++;
      sent += bytes(sse(message, seq));
    });
    const n = o.seconds * RATE;
    const uplinks: { dev: string; time: string; at: number }[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i += 10) {
      for (let j = i; j < i + 10; j++) {
        const e = liveEvent(j);
        c.ingest(e);
        if (e.type.endsWith('uplink.v1'))
          uplinks.push({
            dev: (e.data as { dev_eui: string }).dev_eui,
            time: e.time as string,
            at: Date.now(),
          });
      }
      const due = start + ((i + 10) / RATE) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    // The last window, then until the page has applied the last message (or nothing moved for 15 s).
    await new Promise((r) => setTimeout(r, o.coalesceMs + 50));
    const sentAll = performance.now();
    let last = '';
    let still = performance.now();
    for (;;) {
      const id = await live((l) => l.lastId());
      if (id === String(c.seq)) break;
      if (id !== last) [last, still] = [id, performance.now()];
      else if (performance.now() - still > 15_000) {
        console.log(`   (the page stopped at message ${id} of ${c.seq})`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainedMs = performance.now() - sentAll;
    const [seen, applyMs] = await live((l) => [l.seen, l.applyMs]);
    const byDev = new Map<string, [string, number][]>();
    for (const [dev, value, at] of seen.slice(seen0)) {
      const list = byDev.get(dev) ?? [];
      list.push([value, at]);
      byDev.set(dev, list);
    }
    const lag: number[] = [];
    for (const u of uplinks) {
      const hit = byDev.get(u.dev)?.find(([value]) => value >= u.time);
      if (hit) lag.push(hit[1] - u.at);
    }
    return {
      events: n,
      uplinks: uplinks.length,
      visible: lag.length,
      lag,
      messages,
      bytes: sent,
      applyMs: applyMs.slice(apply0),
      drainedMs,
    };
  } finally {
    c.close();
    await page.close();
    listener.close();
    server.closeAllConnections();
    server.close();
  }
}

async function livePart() {
  if (!existsSync(CHROMIUM)) {
    console.log(`4. skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const script =
    (
      await build({
        stdin: { contents: LIVE_ENTRY, resolveDir: WEBSITE, loader: 'ts' },
        bundle: true,
        format: 'esm',
        write: false,
        minify: true,
        target: 'es2022',
        logLevel: 'silent',
      })
    ).outputFiles[0]?.text ?? '';
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
  const seconds = Number(process.env.LIVE_SECONDS ?? 30);
  const baselineSeconds = 5;
  try {
    const base = await liveRun(browser, script, { coalesceMs: 0, mode: 'each', seconds: baselineSeconds });
    const co = await liveRun(browser, script, { coalesceMs: 100, mode: 'batch', seconds });
    const row = (name: string, r: LiveResult, secs: number) =>
      console.log(
        `   ${name}: ${secs} s, ${fmt(r.events)} events; visible ${fmt(r.visible)}/${fmt(r.uplinks)} uplinks; lag p50 ${fmt(pct(r.lag, 50))} ms, p99 ${fmt(pct(r.lag, 99))} ms, max ${fmt(Math.max(...r.lag))} ms; ${fmt(r.messages / r.events, 2)} messages/event, ${fmt(r.bytes / r.events)} bytes/event; apply p50 ${fmt(pct(r.applyMs, 50), 1)} ms, p99 ${fmt(pct(r.applyMs, 99), 1)} ms (${fmt(r.applyMs.length)} applies); drained ${fmt(r.drainedMs)} ms after the last event`,
      );
    console.log(
      `4. live in chromium, ${RATE} events/s for one site (${DEVICES_PER_SITE} devices) and the fleet`,
    );
    row('baseline (each change sent, each message applied)', base, baselineSeconds);
    row('coalesced (100 ms window, one batch a frame)     ', co, seconds);
    console.log(
      `   ratios baseline/coalesced: lag p50 ${fmt(pct(base.lag, 50) / pct(co.lag, 50), 1)}×, lag p99 ${fmt(pct(base.lag, 99) / pct(co.lag, 99), 1)}×, messages/event ${fmt(base.messages / base.events / (co.messages / co.events), 1)}×, bytes/event ${fmt(base.bytes / base.events / (co.bytes / co.events), 1)}×, applies/s ${fmt(base.applyMs.length / baselineSeconds / (co.applyMs.length / seconds), 1)}×`,
    );
  } finally {
    await browser.close();
  }
}
await livePart();
