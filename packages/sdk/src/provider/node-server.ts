import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { FetchHandler } from './http.js';

/** A running node:http server serving a Fetch API handler. */
export interface ServedHandler {
  /** `http://host:port`. */
  url: string;
  port: number;
  server: Server;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Turns a node:http request into a Fetch API Request whose body is streamed, not buffered: nothing
 * is read until the handler reads it (after authentication and its size checks), and the stream
 * errors once more than `maxBodyBytes` arrived. The URL is built from the server's own origin and
 * the request path, never from the Host header.
 */
export function toFetchRequest(
  req: IncomingMessage,
  origin: string,
  options: { maxBodyBytes?: number } = {},
): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? 'GET';
  const hasBody =
    method !== 'GET' &&
    method !== 'HEAD' &&
    (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
  const url = new URL(origin);
  const path = req.url ?? '/';
  // Only a path is accepted (an absolute-form target keeps its path); the origin stays ours.
  const target = path.startsWith('/') ? path : new URL(path, origin).pathname;
  return new Request(`${url.origin}${target}`, {
    method,
    headers,
    ...(hasBody
      ? { body: Readable.toWeb(capped(req, options.maxBodyBytes)) as ReadableStream, duplex: 'half' }
      : {}),
  } as RequestInit);
}

/** `req` as a stream that errors once more than `max` bytes came through (no limit when undefined). */
function capped(req: IncomingMessage, max: number | undefined): Readable {
  if (max === undefined) return req;
  let seen = 0;
  const out = new Readable({ read: () => req.resume() });
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > max) {
      req.pause();
      out.destroy(new RangeError(`request body over ${max} bytes`));
      return;
    }
    if (!out.push(chunk)) req.pause();
  });
  req.on('end', () => out.push(null));
  req.on('error', (e) => out.destroy(e));
  out.on('close', () => {
    if (!req.complete) req.pause();
  });
  return out;
}

/** Writes a Fetch API Response to a node:http response. */
export async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const body = Buffer.from(await response.arrayBuffer());
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Serves `handler` with node:http (tests, examples, small deployments):
 * `const s = await serveFetchHandler(handler, { port: 0, host: '127.0.0.1' })`.
 */
export async function serveFetchHandler(
  handler: FetchHandler,
  options: {
    port?: number;
    host?: string;
    /** Hard cap on any request body, whatever the handler does; default 16 MiB. */
    maxBodyBytes?: number;
  } = {},
): Promise<ServedHandler> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBodyBytes) {
        res.shouldKeepAlive = false;
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(
          `{"error":{"code":"payload_too_large","message":"request body over ${maxBodyBytes} bytes","request_id":"none"}}`,
        );
        return;
      }
      const response = await handler(toFetchRequest(req, origin, { maxBodyBytes }));
      // Response.error() (fault injection's dropped connection) becomes a reset socket.
      if (response.type === 'error') {
        req.socket.destroy();
        return;
      }
      // A body the handler did not read (refused before reading) is not drained: close instead.
      if (!req.complete) res.shouldKeepAlive = false;
      await writeFetchResponse(res, response);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal","message":"internal error"}}');
    }
    // The unread rest of a refused body is not drained: the connection closes once the answer is
    // out (a short grace so the client reads it before the socket goes).
    if (!req.complete) {
      const drop = () => setTimeout(() => req.socket.destroy(), 1000).unref();
      if (res.writableFinished) drop();
      else res.once('finish', drop);
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
