import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../src/http/node-listener.js';
import { baseConfig, engineWithRecorders } from './support/helpers.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(handler: (r: Request) => Promise<Response>): Promise<string> {
  server = createServer(toNodeListener(handler));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('webhook and API over real HTTP on loopback (node:http)', () => {
  it('verifies the signature over the exact bytes received and feeds the reply to the engine', async () => {
    const base = baseConfig();
    const { engine } = engineWithRecorders({
      ...base,
      channels: {
        ...base.channels,
        whatsapp: {
          ...base.channels.whatsapp!,
          app_secret: { value: 'loopback-secret' },
          verify_token: { value: 'vt' },
        },
      },
    });
    const url = await listen(engine.whatsappWebhook());

    const hs = await fetch(`${url}/wa?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42`);
    expect(await hs.text()).toBe('42');

    // Non-ASCII and odd spacing: the HMAC must be over the raw bytes, not a re-serialisation.
    const body = `{"entry":[{"changes":[{"value":{"messages":[{"from":"66811111111","timestamp":"1795748400","type":"text","text":{"body":"สวัสดี  ok"}}]}}]}]}`;
    const sig = `sha256=${createHmac('sha256', 'loopback-secret').update(Buffer.from(body)).digest('hex')}`;
    const ok = await fetch(`${url}/wa`, { method: 'POST', body, headers: { 'x-hub-signature-256': sig } });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${url}/wa`, {
      method: 'POST',
      body: `${body} `,
      headers: { 'x-hub-signature-256': sig },
    });
    expect(bad.status).toBe(401);
    await engine.stop();
  });

  it('serves the HTTP API with bearer auth', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const url = await listen(engine.apiHandler({ token: { value: 't0ken-xyz' } }));
    expect((await fetch(`${url}/notify/silences`)).status).toBe(401);
    const r = await fetch(`${url}/notify/silences`, { headers: { authorization: 'Bearer t0ken-xyz' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ silences: [] });
    await engine.stop();
  });
});
