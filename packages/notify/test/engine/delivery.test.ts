import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotifyConfig } from '../../src/config.js';
import { createNotifyEngine } from '../../src/engine.js';
import { createDefaultSecretResolver } from '../../src/secrets.js';
import { advance, baseConfig, gatewayEvent, seeded, useFakeClock } from '../support/helpers.js';
import { server, useMsw, WA_URL } from '../support/msw.js';
import { startSmtpServer } from '../support/smtp.js';

useMsw();
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

type WaBody = { to: string; type: string; text?: { body: string }; template?: { name: string } };

function setup(config: NotifyConfig = baseConfig()) {
  const receipts: DeliveryReceipt[] = [];
  const cfg: NotifyConfig = {
    ...config,
    channels: {
      ...config.channels,
      email: { host: '127.0.0.1', port: smtp.port, from: 'fieldops <alerts@example.test>', timeout: '5s' },
    },
  };
  const engine = createNotifyEngine({ config: cfg, onReceipt: (r) => receipts.push(r), random: seeded(7) });
  return { engine, receipts };
}

describe('delivery: retries, failover, WhatsApp window and throttling', () => {
  it('fails over to email when WhatsApp answers 5xx for good', async () => {
    const calls: WaBody[] = [];
    server.use(
      http.post(WA_URL, async ({ request }) => {
        calls.push((await request.json()) as WaBody);
        return HttpResponse.json(
          { error: { code: 131000, message: 'Something went wrong' } },
          { status: 503 },
        );
      }),
    );
    const { engine, receipts } = setup();
    const before = smtp.received.length;
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 10_000, 250);
    expect(calls).toHaveLength(3);
    await smtp.waitFor(before + 1);
    expect(smtp.received.length).toBe(before + 1);
    expect(smtp.received.at(-1)!.to).toEqual(['somchai@example.test']);
    expect(receipts.map((r) => `${r.channel}:${r.status}`)).toEqual([
      'whatsapp:failed',
      'whatsapp:failed',
      'whatsapp:failed',
      'email:sent',
    ]);
    expect(receipts[0]!.error).toMatchObject({ code: '131000', retryable: true });
    await engine.stop();
  });

  it('sends the approved template outside the 24-hour window and free text inside it', async () => {
    const calls: WaBody[] = [];
    server.use(
      http.post(WA_URL, async ({ request }) => {
        calls.push((await request.json()) as WaBody);
        return HttpResponse.json({ messages: [{ id: `wamid.${calls.length}` }] });
      }),
    );
    const { engine } = setup();
    await engine.ingest(gatewayEvent('offline', '0016c001ff10a001'));
    await advance(engine, 30_000);
    expect(calls[0]).toMatchObject({
      to: '66811111111',
      type: 'template',
      template: { name: 'fieldops_alert' },
    });

    // The on-call writes to us: the window opens for 24 h.
    await engine.recordInbound('66811111111');
    await engine.ingest(gatewayEvent('offline', '0016c001ff10a002'));
    await advance(engine, 300_000, 10_000);
    expect(calls[1]).toMatchObject({ type: 'text' });
    expect(calls[1]!.text!.body).toContain('Reply ACK');

    await advance(engine, 24 * 3_600_000, 600_000);
    await engine.ingest(gatewayEvent('offline', '0016c001ff10a003'));
    await advance(engine, 300_000, 10_000);
    expect(calls.at(-1)).toMatchObject({ type: 'template' });
    await engine.stop();
  });

  it('re-sends as the template when free text gets 131047', async () => {
    const calls: WaBody[] = [];
    server.use(
      http.post(WA_URL, async ({ request }) => {
        const body = (await request.json()) as WaBody;
        calls.push(body);
        if (body.type === 'text') {
          return HttpResponse.json(
            { error: { code: 131047, message: 'Re-engagement message' } },
            { status: 400 },
          );
        }
        return HttpResponse.json({ messages: [{ id: 'wamid.t' }] });
      }),
    );
    const { engine, receipts } = setup();
    // Our record says the window is open, the provider disagrees.
    await engine.recordInbound('+66811111111');
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 31_000);
    expect(calls.map((c) => c.type)).toEqual(['text', 'template']);
    expect(receipts.at(-1)).toMatchObject({ channel: 'whatsapp', status: 'sent' });
    await engine.stop();
  });

  it.each([130429, 131056])('treats %i as throttling: waits and retries on WhatsApp', async (code) => {
    const calls: WaBody[] = [];
    server.use(
      http.post(WA_URL, async ({ request }) => {
        calls.push((await request.json()) as WaBody);
        if (calls.length === 1)
          return HttpResponse.json({ error: { code, message: 'throttled' } }, { status: 400 });
        return HttpResponse.json({ messages: [{ id: 'wamid.2' }] });
      }),
    );
    const { engine, receipts } = setup();
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(receipts[0]).toMatchObject({
      status: 'throttled',
      error: { code: String(code), retryable: true },
    });
    if (code === 131056) {
      // Pair rate limit: not before 6 s.
      await advance(engine, 5_000, 500);
      expect(calls).toHaveLength(1);
    }
    await advance(engine, 10_000, 500);
    expect(calls).toHaveLength(2);
    expect(receipts.at(-1)).toMatchObject({ status: 'sent', channel: 'whatsapp' });
    await engine.stop();
  });

  it('honours Slack 429 Retry-After and Discord retry_after before retrying', async () => {
    const slackUrl = 'https://hooks.slack.com/services/T1/B1/xyz';
    const discordUrl = 'https://discord.com/api/webhooks/1/abc';
    const slackTimes: number[] = [];
    const discordTimes: number[] = [];
    server.use(
      http.post(slackUrl, () => {
        slackTimes.push(Date.now());
        return slackTimes.length === 1
          ? new HttpResponse('rate_limited', { status: 429, headers: { 'retry-after': '20' } })
          : new HttpResponse('ok');
      }),
      http.post(discordUrl, () => {
        discordTimes.push(Date.now());
        return discordTimes.length === 1
          ? HttpResponse.json({ message: 'rate limited', retry_after: 12.0, global: false }, { status: 429 })
          : HttpResponse.json({ id: '1' });
      }),
    );
    const config = baseConfig({
      receivers: [
        {
          name: 'oncall',
          contacts: [
            { name: 'ops-slack', chain: [{ channel: 'slack', to: 'ops' }] },
            { name: 'ops-discord', chain: [{ channel: 'discord', to: 'ops' }] },
          ],
        },
      ],
      channels: {
        slack: { webhooks: { ops: { value: slackUrl } } },
        discord: { webhooks: { ops: { value: discordUrl } } },
      },
    });
    const { engine } = setup(config);
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 60_000, 500);
    expect(slackTimes).toHaveLength(2);
    expect(slackTimes[1]! - slackTimes[0]!).toBeGreaterThanOrEqual(20_000);
    expect(discordTimes).toHaveLength(2);
    // 12000 in the body is milliseconds, not 3.3 hours.
    expect(discordTimes[1]! - discordTimes[0]!).toBeGreaterThanOrEqual(12_000);
    expect(discordTimes[1]! - discordTimes[0]!).toBeLessThan(20_000);
    await engine.stop();
  });
});

describe('configuration problems at send time', () => {
  it('a secret that cannot be resolved fails that channel over to the next, naming the reference', async () => {
    const base = baseConfig();
    const receipts: DeliveryReceipt[] = [];
    const engine = createNotifyEngine({
      config: {
        ...base,
        channels: {
          ...base.channels,
          whatsapp: { ...base.channels.whatsapp!, token: 'env:FIELDOPS_TEST_MISSING_TOKEN' },
          email: { host: '127.0.0.1', port: smtp.port, from: 'a@example.test', timeout: '5s' },
        },
      },
      secrets: createDefaultSecretResolver({}),
      onReceipt: (r) => receipts.push(r),
    });
    const before = smtp.received.length;
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 31_000, 500);
    await smtp.waitFor(before + 1);
    expect(receipts.map((r) => `${r.channel}:${r.status}`)).toEqual(['whatsapp:failed', 'email:sent']);
    expect(receipts[0]!.error).toMatchObject({ code: 'secret_unresolved', retryable: false });
    expect(receipts[0]!.error!.message).toContain('env:FIELDOPS_TEST_MISSING_TOKEN');
    await engine.stop();
  });
});
