import { createHmac } from 'node:crypto';
import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyEngine } from '../src/engine.js';
import { parseAckReply, verifyHubSignature } from '../src/webhook/whatsapp-webhook.js';
import { advance, baseConfig, gatewayEvent, seeded, useFakeClock } from './support/helpers.js';
import { server, useMsw, WA_URL } from './support/msw.js';

useMsw();
beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const APP_SECRET = 'app-secret-canary-5c1d';
const VERIFY = 'verify-me-please';
const HOOK = 'https://ops.example.test/webhooks/whatsapp';

function sign(body: string, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function setup() {
  const calls: { to: string; type: string }[] = [];
  server.use(
    http.post(WA_URL, async ({ request }) => {
      calls.push((await request.json()) as { to: string; type: string });
      return HttpResponse.json({ messages: [{ id: `wamid.${calls.length}` }] });
    }),
  );
  const base = baseConfig();
  const receipts: DeliveryReceipt[] = [];
  const engine = createNotifyEngine({
    config: {
      ...base,
      route: { ...base.route, escalation: 'p' },
      escalation_policies: [{ name: 'p', levels: [{ delay: '10m', receivers: ['lead'] }] }],
      channels: {
        ...base.channels,
        whatsapp: {
          ...base.channels.whatsapp!,
          app_secret: 'env:WA_APP_SECRET',
          verify_token: { value: VERIFY },
        },
      },
    },
    secrets: async (ref) => (ref === 'env:WA_APP_SECRET' ? APP_SECRET : ''),
    onReceipt: (r) => receipts.push(r),
    random: seeded(3),
  });
  return { engine, calls, receipts, handler: engine.whatsappWebhook() };
}

const payload = (value: unknown) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value }] }],
  });
const post = (body: string, signature: string | null) =>
  new Request(HOOK, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
  });

describe('WhatsApp webhook receiver', () => {
  it('answers the verification handshake only with the right token', async () => {
    const { handler, engine } = setup();
    const ok = await handler(
      new Request(`${HOOK}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await handler(
      new Request(`${HOOK}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`),
    );
    expect(bad.status).toBe(403);
    await engine.stop();
  });

  it('an ACK reply acknowledges the incident and stops the escalation; a bad signature gets 401 and changes nothing', async () => {
    const { handler, engine, calls } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(calls).toHaveLength(1);
    const code = engine.inspect().incidents[0]!.ack_code;
    const reply = payload({
      messaging_product: 'whatsapp',
      contacts: [{ wa_id: '66811111111' }],
      messages: [
        {
          from: '66811111111',
          id: 'wamid.in1',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: `ack ${code.toLowerCase()}` },
        },
      ],
    });

    for (const sig of [null, 'sha256=00', sign(reply, 'wrong-secret'), sign(`${reply} `)]) {
      const res = await handler(post(reply, sig));
      expect(res.status).toBe(401);
    }
    expect(engine.inspect().incidents[0]!.status).toBe('open');

    const res = await handler(post(reply, sign(reply)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, acks: 1 });
    expect(engine.inspect().incidents[0]).toMatchObject({
      status: 'acknowledged',
      acked: { by: '+66811111111', via: 'whatsapp' },
    });
    await advance(engine, 3_600_000, 60_000);
    // The lead was never paged.
    expect(calls.filter((c) => c.to === '66822222222')).toHaveLength(0);
    await engine.stop();
  });

  it('feeds delivery statuses back as receipts, and an inbound message opens the 24-hour window', async () => {
    const { handler, engine, calls, receipts } = setup();
    await engine.ingest(gatewayEvent('offline', '0016c001ff10a001'));
    await advance(engine, 30_000);
    expect(calls[0]!.type).toBe('template');
    const status = payload({
      statuses: [
        {
          id: 'wamid.1',
          status: 'delivered',
          recipient_id: '66811111111',
          timestamp: String(Math.floor(Date.now() / 1000)),
        },
      ],
    });
    expect((await handler(post(status, sign(status)))).status).toBe(200);
    expect(receipts.at(-1)).toMatchObject({
      status: 'delivered',
      provider_message_id: 'wamid.1',
      channel: 'whatsapp',
    });

    const hello = payload({
      messages: [
        {
          from: '66811111111',
          id: 'wamid.in2',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'ok thanks' },
        },
      ],
    });
    await handler(post(hello, sign(hello)));
    await engine.ingest(gatewayEvent('offline', '0016c001ff10a002'));
    await advance(engine, 300_000, 10_000);
    expect(calls.at(-1)!.type).toBe('text');
    await engine.stop();
  });

  it('re-sends as the template when a text message later fails with 131047 in a status', async () => {
    const { handler, engine, calls } = setup();
    await engine.recordInbound('66811111111');
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(calls.map((c) => c.type)).toEqual(['text']);
    const failed = payload({
      statuses: [
        {
          id: 'wamid.1',
          status: 'failed',
          recipient_id: '66811111111',
          errors: [{ code: 131047, title: 'Re-engagement message' }],
        },
      ],
    });
    await handler(post(failed, sign(failed)));
    await advance(engine, 1_000);
    expect(calls.map((c) => c.type)).toEqual(['text', 'template']);
    await engine.stop();
  });
});

describe('webhook helpers', () => {
  it('parses ACK replies', () => {
    expect(parseAckReply('ACK K7Q2MX')).toBe('K7Q2MX');
    expect(parseAckReply('  ack: k7q2mx ')).toBe('K7Q2MX');
    expect(parseAckReply('ACK')).toBeUndefined();
    expect(parseAckReply('please ACK K7Q2MX')).toBeUndefined();
  });

  it('verifies X-Hub-Signature-256 over the raw bytes', () => {
    const body = new TextEncoder().encode('{"a":1}');
    const good = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    expect(verifyHubSignature(body, good, 's3cret')).toBe(true);
    expect(verifyHubSignature(body, good.toUpperCase().replace('SHA256', 'sha256'), 's3cret')).toBe(true);
    expect(verifyHubSignature(body, good, 'other')).toBe(false);
    expect(verifyHubSignature(body, good.slice(0, -2), 's3cret')).toBe(false);
    expect(verifyHubSignature(body, null, 's3cret')).toBe(false);
  });
});
