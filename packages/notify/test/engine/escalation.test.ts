import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const withPolicy = (loops = 0) =>
  baseConfig({
    route: {
      receiver: 'oncall',
      group_by: ['alertname', 'site'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '30m',
      escalation: 'gateways',
    },
    escalation_policies: [
      {
        name: 'gateways',
        levels: [
          { delay: '10m', receivers: ['lead'] },
          { delay: '20m', receivers: ['manager'] },
        ],
        loops,
      },
    ],
  });

describe('escalation policies', () => {
  it('notifies the levels in turn while unacknowledged, and stops after the bounded loops', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy(1));
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const toLead = () => channels.whatsapp.sent.filter((m) => m.to === '+66822222222');
    const toManager = () => channels.email.sent.filter((m) => m.to === 'arun@example.test');
    expect(toLead()).toHaveLength(0);
    await advance(engine, 10 * 60_000, 10_000);
    expect(toLead()).toHaveLength(1);
    expect(toLead()[0]!.text).toContain('escalation 1');
    await advance(engine, 20 * 60_000, 10_000);
    expect(toManager()).toHaveLength(1);
    // One more loop, then nothing more from the policy.
    await advance(engine, 30 * 60_000, 10_000);
    expect(toLead()).toHaveLength(2);
    expect(toManager()).toHaveLength(2);
    await advance(engine, 5 * 3_600_000, 60_000);
    expect(toLead()).toHaveLength(2);
    expect(toManager()).toHaveLength(2);
    await engine.stop();
  });

  it('an acknowledgement stops every pending notification, retry and escalation of the alert (Grafana OnCall #4654)', async () => {
    const { engine, channels, receipts } = engineWithRecorders(withPolicy(3));
    // The on-call's WhatsApp is throttled, so a retry is pending when the ack arrives.
    channels.whatsapp.respond = (m) =>
      m.to === '+66811111111' && channels.whatsapp.sent.filter((x) => x.to === m.to).length > 1
        ? {
            ok: false,
            retryable: true,
            throttled: true,
            code: '130429',
            message: 'rate limit',
            retry_after_ms: 20_000,
          }
        : { ok: true, provider_message_id: `wamid.${channels.whatsapp.sent.length}` };
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const code = channels.whatsapp.sent[0]!.ack_code!;
    // Level 1 (lead) escalates at +10 min; a repeat to the on-call at +30 min gets throttled.
    await advance(engine, 30 * 60_000, 10_000);
    const before = { wa: channels.whatsapp.sent.length, email: channels.email.sent.length };
    expect(engine.inspect().deliveries.length).toBeGreaterThan(0);

    const result = await engine.acknowledge({ ack_code: code.toLowerCase(), by: 'somchai' });
    expect(result.fingerprints).toHaveLength(1);
    // The result carries the contract's Acknowledgement, valid against notify.v1.
    const { Acknowledgement } = await import('@fieldops/contracts/notify/v1');
    expect(Acknowledgement.parse(result.acknowledgement)).toMatchObject({
      ack_code: code,
      by: 'somchai',
      via: 'api',
    });
    expect(result.cancelled_deliveries).toBeGreaterThan(0);
    expect(receipts.some((r) => r.status === 'suppressed')).toBe(true);
    // What is left pending are the acknowledgement notices, nothing that pages.
    expect(engine.inspect().deliveries.filter((d) => d.notification.kind !== 'notice')).toHaveLength(0);
    expect(engine.inspect().incidents[0]!.status).toBe('acknowledged');

    // Hours later: no level, no loop, no repeat, no retry reached anyone; only the acknowledgement
    // notice to each contact that was paged (the on-call, still throttled, is retried on WhatsApp).
    await advance(engine, 8 * 3_600_000, 60_000);
    const notice = (m: { subject?: string }) => m.subject?.startsWith('[ACKNOWLEDGED]') === true;
    expect(channels.whatsapp.sent.filter((m) => !notice(m)).length).toBe(before.wa);
    expect(channels.email.sent.filter((m) => !notice(m)).length).toBe(before.email);
    expect([...new Set(channels.whatsapp.sent.filter(notice).map((m) => m.to))].sort()).toEqual([
      '+66811111111',
      '+66822222222',
    ]);
    expect(channels.email.sent.filter(notice).map((m) => m.to)).toEqual(['arun@example.test']);
    // Only the group flush timer is left.
    expect(engine.inspect().scheduled).toBe(1);
    await engine.stop();
  });

  it('acknowledging again is harmless; an unknown code is an error', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy());
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const code = channels.whatsapp.sent[0]!.ack_code!;
    await engine.acknowledge({ ack_code: code, by: 'somchai' });
    expect((await engine.acknowledge({ ack_code: code, by: 'nok' })).already_acknowledged).toBe(true);
    await expect(engine.acknowledge({ ack_code: 'NOPE42', by: 'x' })).rejects.toMatchObject({
      code: 'unknown_ack_code',
    });
    await engine.stop();
  });

  it('resolution stops the escalation; firing again re-triggers a new incident and a new code', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy());
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const firstCode = channels.whatsapp.sent[0]!.ack_code!;
    await engine.acknowledge({ ack_code: firstCode, by: 'somchai' });
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 5 * 60_000, 10_000);
    expect(channels.whatsapp.sent.at(-1)!.text).toContain('online again');

    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const again = channels.whatsapp.sent.at(-1)!;
    expect(again.ack_code).toBeDefined();
    expect(again.ack_code).not.toBe(firstCode);
    await advance(engine, 10 * 60_000, 10_000);
    expect(channels.whatsapp.sent.filter((m) => m.to === '+66822222222')).toHaveLength(1);
    await engine.stop();
  });
});
