import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES, type PreflightHandler } from './preflight.js';

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /** Largest request body read, in bytes (default 1 MiB); larger gets 413 and is not read further. */
  maxBodyBytes?: number;
}

// The URL handed to the handler never comes from the Host header (a client controls it): only the
// path and query of the request target, on a fixed origin.
const ORIGIN = 'http://localhost';

function send(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // `connection: close`: a refused body is not drained from the socket.
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text);
}

function targetUrl(raw: string | undefined): string | undefined {
  if (!raw?.startsWith('/') || raw.startsWith('//')) return undefined;
  try {
    const u = new URL(raw, ORIGIN);
    return `${ORIGIN}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

function headersOf(req: IncomingMessage): Headers | undefined {
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) for (const item of v) headers.append(k, item);
      else if (v !== undefined) headers.set(k, v);
    }
    return headers;
  } catch {
    return undefined;
  }
}

/**
 * Mounts a Fetch API handler (the WhatsApp webhook, the HTTP API) on `node:http`:
 * `createServer(toNodeListener(engine.whatsappWebhook()))`. A request that cannot be parsed gets 400;
 * the handler's `preflight` (authentication, path) runs before any body byte is read; a
 * `Content-Length` above `maxBodyBytes` is refused (413) before reading, and reading stops with 413
 * as soon as a chunked body passes it. Bodies are handed over as raw bytes (signatures are over them).
 */
export function toNodeListener(
  handler: PreflightHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req, res) => {
    // A client that aborts mid-body must not take the process down.
    req.on('error', () => req.destroy());
    res.on('error', () => res.destroy());
    void serve(handler, max, req, res).catch(() => send(res, 500, 'internal error'));
  };
}

async function serve(
  handler: PreflightHandler,
  max: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = targetUrl(req.url);
  const headers = headersOf(req);
  const method = req.method ?? 'GET';
  if (url === undefined || headers === undefined) {
    send(res, 400, 'bad request');
    return;
  }
  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (handler.preflight) {
    const early = await handler.preflight(new Request(url, { method, headers }));
    if (early) {
      await write(res, early);
      return;
    }
  }
  const declared = Number(req.headers['content-length']);
  if (hasBody && Number.isFinite(declared) && declared > max) {
    send(res, 413, 'body too large');
    return;
  }
  const body = hasBody ? await readCapped(req, max) : undefined;
  if (body === 'too_big') {
    send(res, 413, 'body too large');
    return;
  }
  if (body === 'aborted') return;
  let request: Request;
  try {
    request = new Request(url, { method, headers, ...(body ? { body } : {}) });
  } catch {
    send(res, 400, 'bad request');
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch {
    send(res, 500, 'internal error');
    return;
  }
  await write(res, response);
}

function readCapped(req: IncomingMessage, max: number): Promise<Buffer | 'too_big' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: Buffer | 'too_big' | 'aborted') => {
      req.removeAllListeners('data');
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        done('too_big');
      } else chunks.push(c);
    });
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('aborted', () => done('aborted'));
    req.on('close', () => {
      if (!req.complete) done('aborted');
    });
  });
}

async function write(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(body);
}
