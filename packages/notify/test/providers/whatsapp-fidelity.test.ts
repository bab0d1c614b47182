import { createHmac } from 'node:crypto';
import type { Alert } from '@fieldops/contracts/notify/v1';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyEngine } from '../../src/engine.js';
import {
  advance,
  baseConfig,
  gatewayEvent,
  recordingChannel,
  seeded,
  useFakeClock,
} from '../support/helpers.js';
import { server, useMsw, WA_URL } from '../support/msw.js';

// Issue 21 items 1 and 2: WhatsApp Cloud API as Meta documents it.

useMsw();
beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const APP_SECRET = 'wa-fidelity-secret';
const HOOK = 'https://ops.example.test/webhooks/whatsapp';
const sign = (b: string) => `sha256=${createHmac('sha256', APP_SECRET).update(b).digest('hex')}`;
const post = (b: string) =>
  new Request(HOOK, { method: 'POST', body: b, headers: { 'x-hub-signature-256': sign(b) } });

/**
 * The Cloud API send endpoint, at least as strict as Meta's: a text body over 4,096 characters is
 * refused. "text.body: The text of the text message … Maximum 4096 characters"
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#text-object); the
 * refusal is error 100 "Invalid parameter" (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
 */
function strictGraph(calls: Record<string, unknown>[]) {
  server.use(
    http.post(WA_URL, async ({ request }) => {
      const body = (await request.json()) as { type: string; text?: { body: string } };
      calls.push(body);
      if (body.type === 'text' && (body.text?.body.length ?? 0) > 4096) {
        return HttpResponse.json(
          {
            error: {
              message: '(#100) Invalid parameter',
              type: 'OAuthException',
              code: 100,
              error_data: {
                messaging_product: 'whatsapp',
                details: "Param text['body'] must be at most 4096 characters long.",
              },
              fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
            },
          },
          { status: 400 },
        );
      }
      return HttpResponse.json({
        messaging_product: 'whatsapp',
        contacts: [{ input: '66811111111', wa_id: '66811111111' }],
        messages: [{ id: `wamid.${calls.length}` }],
      });
    }),
  );
}

function setup(extra: Partial<Parameters<typeof baseConfig>[0]> = {}) {
  const calls: Record<string, unknown>[] = [];
  strictGraph(calls);
  const base = baseConfig();
  const email = recordingChannel('email');
  const engine = createNotifyEngine({
    config: {
      ...base,
      channels: {
        ...base.channels,
        whatsapp: {
          ...base.channels.whatsapp!,
          app_secret: { value: APP_SECRET },
          verify_token: { value: 'v' },
        },
      },
      ...extra,
    },
    channels: { email },
    random: seeded(9),
  });
  return { engine, calls, email, handler: engine.whatsappWebhook() };
}

/**
 * A failed status as the webhook carries it
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#statuses-object):
 * `{ id, status: "failed", timestamp, recipient_id, errors: [{ code, title, message, error_data: { details } }] }`.
 */
const failedStatus = (id: string, code: number, title: string) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '1234567890' },
              statuses: [
                {
                  id,
                  status: 'failed',
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: '66811111111',
                  errors: [{ code, title, message: title, error_data: { details: title } }],
                },
              ],
            },
          },
        ],
      },
    ],
  });

describe('WhatsApp failures that arrive only through the webhook', () => {
  it('131026 (message undeliverable: not on WhatsApp) fails over to the next channel at once', async () => {
    const { engine, calls, email, handler } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(calls).toHaveLength(1);
    expect(email.sent).toHaveLength(0);
    await handler(post(failedStatus('wamid.1', 131026, 'Message undeliverable')));
    await advance(engine, 1_000);
    expect(email.sent).toHaveLength(1);
    expect(calls).toHaveLength(1);
    await engine.stop();
  });

  it('131049 and 131050 fail over too', async () => {
    for (const [code, title] of [
      [131049, 'This message was not delivered to maintain healthy ecosystem engagement.'],
      [
        131050,
        'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
      ],
    ] as const) {
      const { engine, email, handler } = setup();
      await engine.ingest(gatewayEvent('offline'));
      await advance(engine, 30_000);
      await handler(post(failedStatus('wamid.1', code, title)));
      await advance(engine, 1_000);
      expect(email.sent, String(code)).toHaveLength(1);
      await engine.stop();
    }
  });

  it('131000 (something went wrong) retries WhatsApp rather than failing over', async () => {
    const { engine, calls, email, handler } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    await handler(post(failedStatus('wamid.1', 131000, 'Something went wrong')));
    await advance(engine, 5_000);
    expect(calls).toHaveLength(2);
    expect(email.sent).toHaveLength(0);
    await engine.stop();
  });
});

describe('WhatsApp message limits', () => {
  it('caps free text at 4,096 characters with a summary that keeps the ack line', async () => {
    const { engine, calls } = setup();
    await engine.recordInbound('66811111111');
    // 40 alerts with long summaries in one group: far over 4,096 characters before the cap.
    const long = 'x'.repeat(200);
    for (let i = 0; i < 40; i++) {
      const a: Alert = {
        labels: { alertname: 'DeviceInactive', site: 'site_01', device: `dev-${i}` },
        annotations: { summary: `dev-${i} ${long}` },
        severity: 'warning',
        status: 'firing',
        starts_at: new Date().toISOString(),
      };
      await engine.ingest(a);
    }
    await advance(engine, 30_000);
    const sent = calls[0] as { type: string; text: { body: string } };
    expect(sent.type).toBe('text');
    expect(sent.text.body.length).toBeLessThanOrEqual(4096);
    expect(sent.text.body).toMatch(/more lines not shown/);
    expect(sent.text.body).toMatch(/Reply ACK [A-Z0-9]{6} to acknowledge\.$/);
    await engine.stop();
  });

  it('sends as many template body parameters as the configured template has', async () => {
    const base = baseConfig();
    const { engine, calls } = setup({
      channels: {
        ...base.channels,
        whatsapp: {
          ...base.channels.whatsapp!,
          app_secret: { value: APP_SECRET },
          verify_token: { value: 'v' },
          template: { name: 'fieldops_alert_short', language: 'en', body_parameters: 2 },
        },
      },
    });
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const t = (calls[0] as { template: { components: { parameters: unknown[] }[] } }).template;
    expect(t.components[0]!.parameters).toHaveLength(2);
    await engine.stop();
  });
});
