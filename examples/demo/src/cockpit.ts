// The demo's live cockpit (issue 17): @fieldops/cockpit on loopback, fed over the bus by the very
// events the site agent relays to notify. This server sits in front of notify's `/notify/events` and
// forwards each batch; once notify took it, its events go into an outbox, the relay publishes them on
// an in-process bus (NATS JetStream on a real site), and the cockpit's consumer (its inbox in PGlite)
// ingests them. Incidents are read from notify every second (notify has no push yet). It serves a standalone page with the website's renderer code
// (website/src/cockpit/mount.ts, bundled by esbuild) at `/`, so the scripted failure can be watched
// live while the demo runs, before the KB site is built.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createConsumer, createMemoryBus, createOutbox, createRelay, migrate } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import {
  type Cockpit,
  type CockpitEvent,
  cockpitHandlers,
  createCockpit,
  createCockpitListener,
  createNotifyClient,
} from '@fieldops/cockpit';
import type { ExecutionSpec } from '@fieldops/contracts/automation/v1';
import { REPO } from './kb-site.js';
import { readBody } from './sandbox/http.js';

/** Options of {@link startDemoCockpit}. */
export interface DemoCockpitOptions {
  spec: ExecutionSpec;
  /** notify's base URL and its service token (the cockpit reads incidents with it). */
  notify: { url: string; token: string };
  /** How often incidents are read from notify (ms, default 1000). */
  pollMs?: number;
}

/** The running demo cockpit. */
export interface DemoCockpit {
  cockpit: Cockpit;
  /** The page to open: the live cockpit with the demo site's surface. */
  pageUrl: string;
  /** The cockpit's base URL (`<url>/cockpit`) for any A2UI renderer. */
  cockpitUrl: string;
  /** Where the site agent relays to instead of notify (forwarded to notify unchanged). */
  notifyUrl: string;
  /** Waits (up to `ms`) until the cockpit shows the gateway offline; whether it does. */
  showsOffline(gatewayEui: string, ms: number): Promise<boolean>;
  /** Lets a page on `origin` (the KB site) read the stream and post actions. */
  allowOrigin(origin: string): void;
  close(): Promise<void>;
}

const PAGE_ENTRY = join(REPO, 'website/src/cockpit/mount.ts');

/** Bundles the website's mount.ts into one browser script (the same code the /cockpit page runs). */
async function bundlePage(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: {
      contents: `import { mountCockpit } from ${JSON.stringify(PAGE_ENTRY)};
const q = new URLSearchParams(location.search);
const site = q.get('site');
mountCockpit(document.getElementById('cockpit'), {
  cockpitUrl: location.origin + '/cockpit',
  surfaces: ['fleet', 'incidents', ...(site ? ['site-' + site] : [])],
});`,
      resolveDir: join(REPO, 'website'),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    write: false,
    minify: true,
    target: 'es2022',
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}

const html = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}
#cockpit{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}</style>
</head><body><h1>fieldops cockpit (demo)</h1><div id="cockpit"></div>
<script type="module" src="/page.js"></script></body></html>`;

/**
 * The cockpit's side of the bus: an outbox (what the tap appends), the relay publishing it on an
 * in-process bus, and the cockpit's consumer with its inbox, both in one in-memory PGlite.
 */
async function startCockpitBus(cockpit: Cockpit) {
  const db = await createPgliteDatabase();
  await migrate(db);
  const bus = createMemoryBus();
  const outbox = createOutbox({ db });
  const consumer = createConsumer({
    name: 'cockpit',
    db,
    subscriber: bus.subscriber,
    deadLetters: bus.publisher,
    handlers: cockpitHandlers(cockpit),
  });
  await consumer.start();
  const relay = createRelay({ db, publisher: bus.publisher, outbox, pollIntervalMs: 50 });
  relay.start();
  return {
    outbox,
    async close() {
      await relay.stop();
      await consumer.stop();
      await db.close();
    },
  };
}

/** Starts the demo cockpit: loads the spec's site, serves the stream, the page and the notify tap. */
export async function startDemoCockpit(o: DemoCockpitOptions): Promise<DemoCockpit> {
  const { spec } = o;
  const siteId = spec.site_id;
  const notifyBase = o.notify.url.replace(/\/+$/, '');
  const cockpit = createCockpit({
    notify: createNotifyClient({ baseUrl: `${notifyBase}/notify`, token: o.notify.token }),
    // The site as deployed: the gateway sends stats from the start of the demo.
    fleet: {
      sites: async () => [{ site_id: siteId, stale: false }],
      gateways: async () =>
        spec.targets.gateways.map((g) => ({
          site_id: siteId,
          gateway_eui: g.gateway_eui.toLowerCase(),
          name: g.name,
          state: 'online' as const,
          last_seen_at: null,
        })),
      devices: async () =>
        spec.targets.devices.map((d) => ({
          site_id: siteId,
          dev_eui: d.dev_eui,
          name: d.name,
          last_seen_at: null,
          battery_level: null,
        })),
    },
    siteNames: { [siteId]: spec.project },
  });
  await cockpit.loadFleet();
  // The page's bundle and the bus start side by side (each takes seconds on a busy machine).
  const [script, { outbox, close: closeBus }] = await Promise.all([bundlePage(), startCockpitBus(cockpit)]);
  const origins: string[] = [];
  const listener = createCockpitListener({ cockpit, allowOrigins: origins });
  const page = html(`fieldops cockpit: ${spec.project}`);

  const tap = async (req: IncomingMessage) => {
    // notify first; the cockpit sees only what notify accepted.
    const body = await readBody(req);
    const answer = await fetch(`${notifyBase}/notify/events`, {
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body,
    });
    if (answer.ok) {
      const parsed = JSON.parse(body) as CockpitEvent | CockpitEvent[];
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
        // One at a time: an event the outbox refuses (not a valid CloudEvent) is reported, the rest go on.
        await outbox.append([event as never]).catch((error: unknown) => {
          console.warn(`demo cockpit: the outbox refused ${event.type}: ${String(error)}`);
        });
      }
    }
    return answer;
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/notify/events' && req.method === 'POST') {
      tap(req).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(await answer.text());
        },
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`demo cockpit tap: ${String(error)}`);
        },
      );
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else listener(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let polling = true;
  const poll = async () => {
    while (polling) {
      await cockpit.refreshIncidents().catch(() => undefined);
      await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
    }
  };
  const polled = poll();
  return {
    cockpit,
    pageUrl: `${url}/?site=${siteId}`,
    cockpitUrl: `${url}/cockpit`,
    notifyUrl: url,
    async showsOffline(gatewayEui, ms) {
      const end = Date.now() + ms;
      const offline = () => cockpit.state.sites.get(siteId)?.gateways.get(gatewayEui)?.state === 'offline';
      while (!offline() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      return offline();
    },
    allowOrigin: (origin) => {
      origins.push(origin);
    },
    async close() {
      polling = false;
      await polled;
      await closeBus();
      cockpit.close();
      listener.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
