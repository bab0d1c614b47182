import { createHmac } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyEngine } from '../src/engine.js';
import { advance, baseConfig, gatewayEvent, seeded, useFakeClock } from './support/helpers.js';
import { server, useMsw, WA_URL } from './support/msw.js';

// Issue 11 items 9 (acknowledgements from strangers) and 10 (webhook replays).

useMsw();
beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const APP_SECRET = 'app-secret-trust-7f2e';
const HOOK = 'https://ops.example.test/webhooks/whatsapp';
const sign = (body: string) => `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
const post = (body: string) =>
  new Request(HOOK, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
  });
const payload = (value: unknown) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value }] }],
  });
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

function setup() {
  const calls: { to: string; type: string }[] = [];
  server.use(
    http.post(WA_URL, async ({ request }) => {
      calls.push((await request.json()) as { to: string; type: string });
      return HttpResponse.json({ messages: [{ id: `wamid.${calls.length}` }] });
    }),
  );
  const base = baseConfig();
  const engine = createNotifyEngine({
    config: {
      ...base,
      route: { ...base.route, escalation: 'p' },
      escalation_policies: [{ name: 'p', levels: [{ delay: '10m', receivers: ['lead'] }] }],
      channels: {
        ...base.channels,
        whatsapp: {
          ...base.channels.whatsapp!,
          app_secret: { value: APP_SECRET },
          verify_token: { value: 'v' },
        },
      },
    },
    random: seeded(5),
  });
  return { engine, calls, handler: engine.whatsappWebhook() };
}

const reply = (from: string, id: string, text: string, ts = nowSeconds()) =>
  payload({ messages: [{ from, id, timestamp: ts, type: 'text', text: { body: text } }] });

describe('acknowledgements by WhatsApp reply', () => {
  it('are accepted only from a contact that was notified for that incident', async () => {
    const { engine, handler, calls } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(calls.map((c) => c.to)).toEqual(['66811111111']);
    const code = engine.inspect().incidents[0]!.ack_code;

    // A signed reply from a number never paged for this incident (the lead, not yet escalated to,
    // and a stranger) changes nothing.
    for (const [from, id] of [
      ['66822222222', 'wamid.s1'],
      ['15550001111', 'wamid.s2'],
    ] as const) {
      const res = await handler(post(reply(from, id, `ACK ${code}`)));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, acks: 0 });
    }
    expect(engine.inspect().incidents[0]!.status).toBe('open');

    // The paged on-call may acknowledge.
    const ok = await handler(post(reply('66811111111', 'wamid.o1', `ACK ${code}`)));
    expect(await ok.json()).toEqual({ ok: true, acks: 1 });
    expect(engine.inspect().incidents[0]).toMatchObject({
      status: 'acknowledged',
      acked: { by: '+66811111111' },
    });
    await engine.stop();
  });

  it('the escalated-to lead may acknowledge once paged', async () => {
    const { engine, handler, calls } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 10 * 60_000, 30_000);
    expect(calls.map((c) => c.to)).toContain('66822222222');
    const code = engine.inspect().incidents[0]!.ack_code;
    const res = await handler(post(reply('+66 82 222 2222'.replace(/\D/g, ''), 'wamid.l1', `ack ${code}`)));
    expect(await res.json()).toEqual({ ok: true, acks: 1 });
    await engine.stop();
  });
});

describe('webhook replays', () => {
  it('a signed failed status replayed 5 times re-sends the template once', async () => {
    const { engine, handler, calls } = setup();
    await engine.recordInbound('66811111111');
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(calls.map((c) => c.type)).toEqual(['text']);
    const failed = payload({
      statuses: [
        {
          id: 'wamid.1',
          status: 'failed',
          timestamp: nowSeconds(),
          recipient_id: '66811111111',
          errors: [{ code: 131047, title: 'Re-engagement message' }],
        },
      ],
    });
    for (let i = 0; i < 6; i++) expect((await handler(post(failed))).status).toBe(200);
    await advance(engine, 1_000);
    expect(calls.map((c) => c.type)).toEqual(['text', 'template']);
    await engine.stop();
  });

  it('ignores statuses and replies older than the window (default 1 h)', async () => {
    const { engine, handler, calls } = setup();
    await engine.recordInbound('66811111111');
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const code = engine.inspect().incidents[0]!.ack_code;
    const old = String(Math.floor(Date.now() / 1000) - 2 * 3600);
    const stale = payload({
      statuses: [{ id: 'wamid.1', status: 'failed', timestamp: old, errors: [{ code: 131047, title: 'x' }] }],
    });
    await handler(post(stale));
    await advance(engine, 1_000);
    expect(calls.map((c) => c.type)).toEqual(['text']);
    expect(await (await handler(post(reply('66811111111', 'wamid.old', `ACK ${code}`, old)))).json()).toEqual(
      {
        ok: true,
        acks: 0,
      },
    );
    expect(engine.inspect().incidents[0]!.status).toBe('open');
    await engine.stop();
  });
});
