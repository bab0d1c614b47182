import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../src/http/node-listener.js';
import { baseConfig, engineWithRecorders } from '../support/helpers.js';

// Issue 11 items 1 and 4: the node:http adapter in front of the HTTP API and the WhatsApp webhook.

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server?.closeAllConnections();
  server = undefined;
});

async function listen(listener: ReturnType<typeof toNodeListener>): Promise<number> {
  server = createServer(listener);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** Sends raw bytes and returns the status line of the answer (or "closed"). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        resolve(got.split('\r\n', 1)[0] as string);
        socket.destroy();
      }
    });
    socket.on('end', () => resolve(got ? (got.split('\r\n', 1)[0] as string) : 'closed'));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => reject(new Error('no answer within 5 s')));
  });
}

/**
 * Starts a POST that declares `length` bytes and writes `send` bytes of it, then waits for the answer
 * without finishing the body (a server that waits for the whole body never answers).
 */
function partialPost(
  port: number,
  path: string,
  headers: Record<string, string>,
  send: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', (err) => reject(err));
    req.setTimeout(5_000, () => {
      req.destroy();
      reject(new Error('no answer within 5 s: the server waited for the body'));
    });
    req.write(Buffer.alloc(send, 0x61));
  });
}

describe('toNodeListener', () => {
  it('never builds the URL from the Host header: a hostile Host is served, the server lives', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const port = await listen(toNodeListener(engine.apiHandler({ token: { value: 'tok-1' } })));
    // Before: `new Request('http://' + Host …)` threw inside the 'end' listener and the process died.
    expect(await raw(port, 'GET /notify/alerts HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n')).toBe(
      'HTTP/1.1 401 Unauthorized',
    );
    expect(
      await raw(
        port,
        'GET /notify/alerts HTTP/1.1\r\nHost: evil.example:99999\r\nAuthorization: Bearer tok-1\r\nConnection: close\r\n\r\n',
      ),
    ).toBe('HTTP/1.1 200 OK');
    // A request target that is not a path cannot be parsed: 400.
    expect(await raw(port, 'GET http://[zz/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    // Still alive.
    const r = await fetch(`http://127.0.0.1:${port}/notify/silences`, {
      headers: { authorization: 'Bearer tok-1' },
    });
    expect(r.status).toBe(200);
    await engine.stop();
  });

  it('authenticates before reading the body: 401 while a declared 900 KB body is still unsent', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const port = await listen(toNodeListener(engine.apiHandler({ token: { value: 'tok-1' } })));
    const r = await partialPost(
      port,
      '/notify/events',
      { 'content-type': 'application/json', 'content-length': String(900_000) },
      10,
    );
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({
      error: { code: 'unauthorized', message: 'missing or wrong bearer token' },
    });
    await engine.stop();
  });

  it('refuses a Content-Length above maxBodyBytes with 413 before reading it', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const port = await listen(
      toNodeListener(engine.apiHandler({ token: { value: 'tok-1' } }), { maxBodyBytes: 1000 }),
    );
    const r = await partialPost(
      port,
      '/notify/events',
      { authorization: 'Bearer tok-1', 'content-type': 'application/json', 'content-length': '600000000' },
      10,
    );
    expect(r.status).toBe(413);
    await engine.stop();
  });

  it('stops reading a chunked body at maxBodyBytes with 413', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const port = await listen(
      toNodeListener(engine.apiHandler({ token: { value: 'tok-1' } }), { maxBodyBytes: 1000 }),
    );
    // No Content-Length: chunked. 2000 bytes sent, the rest never comes; the answer must not wait.
    const r = await partialPost(
      port,
      '/notify/events',
      { authorization: 'Bearer tok-1', 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      2000,
    );
    expect(r.status).toBe(413);
    await engine.stop();
  });

  it('refuses an unsigned webhook POST before reading its body', async () => {
    const base = baseConfig();
    const { engine } = engineWithRecorders({
      ...base,
      channels: {
        ...base.channels,
        whatsapp: { ...base.channels.whatsapp!, app_secret: { value: 's' }, verify_token: { value: 'v' } },
      },
    });
    const port = await listen(toNodeListener(engine.whatsappWebhook()));
    const r = await partialPost(port, '/wa', { 'content-length': String(900_000) }, 10);
    expect(r.status).toBe(401);
    await engine.stop();
  });
});
