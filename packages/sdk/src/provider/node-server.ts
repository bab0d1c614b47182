import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Turns a node:http request into a Fetch API Request. */
export async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const method = req.method ?? 'GET';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(body && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
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
  options: { port?: number; host?: string } = {},
): Promise<ServedHandler> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      const response = await handler(await toFetchRequest(req, origin));
      // Response.error() (fault injection's dropped connection) becomes a reset socket.
      if (response.type === 'error') {
        req.socket.destroy();
        return;
      }
      await writeFetchResponse(res, response);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal","message":"internal error"}}');
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
