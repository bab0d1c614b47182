// The cockpit over HTTP: `GET <base>/stream` (Server-Sent Events, one A2UI message per event),
// `GET <base>/surfaces` and `POST <base>/actions` (A2UI user actions). A Node request listener.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerMessage } from '@fieldops/contracts/cockpit/v1';
import type { Clock } from '@fieldops/core';
import { handleUserAction } from './actions.js';
import type { Cockpit, CockpitMessage } from './cockpit.js';
import { FLEET_SURFACE } from './surfaces/fleet.js';
import { INCIDENTS_SURFACE } from './surfaces/incidents.js';

/** Options of {@link createCockpitListener}. */
export interface CockpitListenerOptions {
  cockpit: Cockpit;
  /** Path prefix (default `/cockpit`). */
  basePath?: string;
  /** A comment line every this many ms keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** A stream whose unsent bytes pass this is closed; the client reconnects and gets the current state (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Origins allowed to read the stream and post actions from a browser (CORS); none by default. */
  allowOrigins?: string[];
  /** Largest action body (default 16 KiB). */
  maxBodyBytes?: number;
  /** The clock user actions count from (a silence's end time; default: the system clock). */
  clock?: Clock;
}

/** The Node request listener, with `close()` to end every open stream. */
export type CockpitListener = ((req: IncomingMessage, res: ServerResponse) => void) & { close(): void };

/** The surface a message is about. */
const surfaceOf = (m: ServerMessage): string =>
  'createSurface' in m
    ? m.createSurface.surfaceId
    : 'updateComponents' in m
      ? m.updateComponents.surfaceId
      : 'updateDataModel' in m
        ? m.updateDataModel.surfaceId
        : m.deleteSurface.surfaceId;

const frame = (m: CockpitMessage | { message: unknown; seq?: number }) =>
  `${m.seq !== undefined ? `id: ${m.seq}\n` : ''}data: ${JSON.stringify(m.message)}\n\n`;

/** Creates the cockpit's HTTP listener. */
export function createCockpitListener(options: CockpitListenerOptions): CockpitListener {
  const base = (options.basePath ?? '/cockpit').replace(/\/$/, '');
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const streams = new Set<ServerResponse>();
  const { cockpit } = options;

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && options.allowOrigins?.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, last-event-id');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    }
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    });
    res.end(JSON.stringify(body));
  };

  const stream = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const asked = (url.searchParams.get('surfaces') ?? `${FLEET_SURFACE},${INCIDENTS_SURFACE}`)
      .split(',')
      .filter(Boolean);
    const unknown = asked.filter((s) => !cockpit.surfaceIds().includes(s));
    if (unknown.length > 0) {
      return json(res, 404, {
        status: 404,
        code: 'unknown_surface',
        detail: `cockpit: no surface ${unknown.join(', ')} (known: ${cockpit.surfaceIds().join(', ')})`,
      });
    }
    // A client that comes back (EventSource sends Last-Event-ID by itself) has the surfaces
    // already: it gets their whole current data model first, then the deltas.
    const resume = req.headers['last-event-id'] !== undefined || url.searchParams.has('lastEventId');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const wanted = new Set(asked);
    let open = true;
    let corked = false;
    const write = (chunk: string) => {
      if (!open) return;
      // The messages of one flush leave in one write: corked until the current task ends.
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(chunk);
      if (res.writableLength > maxBuffered) {
        // Too slow to keep up: close; the reconnect starts from the current state, nothing is lost.
        end();
        res.destroy();
      }
    };
    const initial = asked.flatMap((s) => cockpit.currentState(s, resume) ?? []);
    initial.forEach((message, i) => {
      write(frame({ message, ...(i === initial.length - 1 ? { seq: cockpit.seq } : {}) }));
    });
    const unsubscribe = cockpit.subscribe((m) => {
      if (wanted.has(surfaceOf(m.message))) write(frame(m));
    });
    const beat = setInterval(() => write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    beat.unref?.();
    const end = () => {
      if (!open) return;
      open = false;
      clearInterval(beat);
      unsubscribe();
      streams.delete(res);
    };
    streams.add(res);
    req.on('close', end);
    res.on('close', end);
  };

  const action = async (req: IncomingMessage, res: ServerResponse) => {
    if (!cockpit.notify)
      return json(res, 503, { status: 503, code: 'no_notify', detail: 'cockpit: no notify configured' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > maxBody)
        return json(res, 413, {
          status: 413,
          code: 'body_too_large',
          detail: `cockpit: action body over ${maxBody} bytes`,
        });
      chunks.push(c);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, {
        status: 400,
        code: 'input_invalid',
        detail: 'cockpit: the action body is not JSON',
      });
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    try {
      const outcome = await handleUserAction(body, { notify: cockpit.notify, token, clock: options.clock });
      if (outcome.status < 300) await cockpit.refreshIncidents().catch(() => undefined);
      return json(res, outcome.status, outcome.body);
    } catch (err) {
      const status = (err as { status?: number }).status;
      const code = (err as { code?: string }).code;
      const message = err instanceof Error ? err.message : String(err);
      return json(res, status && status >= 400 ? status : 502, {
        status: status && status >= 400 ? status : 502,
        code: code === 'notify_unreachable' ? code : 'notify_refused',
        detail: message,
      });
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://cockpit.invalid');
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const path = url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length) : undefined;
    if (path === '/stream' && req.method === 'GET') return stream(req, res, url);
    if (path === '/surfaces' && req.method === 'GET')
      return json(res, 200, { surfaces: cockpit.surfaceIds() });
    if (path === '/actions' && req.method === 'POST') {
      action(req, res).catch((err) => {
        if (!res.headersSent) json(res, 500, { status: 500, code: 'internal', detail: String(err) });
      });
      return;
    }
    json(res, 404, { status: 404, code: 'not_found', detail: 'cockpit: no such endpoint' });
  };
  return Object.assign(listener, {
    close() {
      for (const res of [...streams]) res.end();
      streams.clear();
    },
  });
}
