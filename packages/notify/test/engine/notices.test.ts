// Acknowledged and resolved notices: everyone paged for an incident is told, once, on the channel
// that reached them (PagerDuty tells responders of an acknowledgement / resolution; Alertmanager's
// send_resolved tells the route's receiver only).
import type { Message } from '@fieldops/contracts/notify/v1';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendResult } from '../../src/channels/channel.js';
import {
  advance,
  baseConfig,
  engineWithRecorders,
  gatewayEvent,
  type RecordingChannel,
  useFakeClock,
} from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const withPolicy = () =>
  baseConfig({
    route: {
      receiver: 'oncall',
      group_by: ['alertname', 'site'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      escalation: 'gateways',
    },
    escalation_policies: [
      {
        name: 'gateways',
        levels: [
          { delay: '10m', receivers: ['lead'] },
          { delay: '20m', receivers: ['manager'] },
        ],
      },
    ],
  });

const notices = (ch: RecordingChannel, word: 'ACKNOWLEDGED' | 'RESOLVED', to?: string): Message[] =>
  ch.sent.filter((m) => m.subject?.startsWith(`[${word}]`) && (to === undefined || m.to === to));

describe('incident notices', () => {
  it('tells everyone paged of the acknowledgement once, each on the channel that reached them', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy());
    // The on-call's WhatsApp refuses for good: the page reaches him by email (his chain's next step).
    channels.whatsapp.respond = (m): SendResult =>
      m.to === '+66811111111'
        ? { ok: false, retryable: false, code: '131026', message: 'undeliverable' }
        : { ok: true };
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 30 * 60_000, 10_000);
    const code = engine.inspect().incidents[0]!.ack_code;
    expect(channels.email.sent.filter((m) => m.to === 'somchai@example.test')).toHaveLength(1);
    expect(channels.whatsapp.sent.filter((m) => m.to === '+66822222222')).toHaveLength(1);
    expect(channels.email.sent.filter((m) => m.to === 'arun@example.test')).toHaveLength(1);

    await engine.acknowledge({ ack_code: code, by: 'nok', via: 'api', note: 'driving there' });
    await advance(engine, 60_000);
    const somchai = notices(channels.email, 'ACKNOWLEDGED', 'somchai@example.test');
    expect(somchai).toHaveLength(1);
    expect(somchai[0]!.text).toContain(`Incident ${code} was acknowledged by nok (api)`);
    expect(somchai[0]!.text).toContain('driving there');
    // A notice asks nothing back: no code to reply with.
    expect(somchai[0]!.ack_code).toBeUndefined();
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66822222222')).toHaveLength(1);
    expect(notices(channels.email, 'ACKNOWLEDGED', 'arun@example.test')).toHaveLength(1);
    // Not on the WhatsApp number that never reached him.
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66811111111')).toHaveLength(0);

    // A second acknowledgement, and hours passing, tell nobody again.
    await engine.acknowledge({ ack_code: code, by: 'somchai' });
    await advance(engine, 5 * 3_600_000, 60_000);
    expect(notices(channels.email, 'ACKNOWLEDGED')).toHaveLength(2);
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED')).toHaveLength(1);

    // Resolution: everyone paged gets a resolved notice (an acknowledged alert's resolution is not in
    // the group's notifications any more), once.
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 10 * 60_000, 10_000);
    expect(notices(channels.whatsapp, 'RESOLVED', '+66822222222')).toHaveLength(1);
    expect(notices(channels.email, 'RESOLVED', 'arun@example.test')).toHaveLength(1);
    const resolved = notices(channels.email, 'RESOLVED', 'somchai@example.test');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.text).toContain(`Incident ${code} resolved`);
    await advance(engine, 3_600_000, 60_000);
    expect(notices(channels.whatsapp, 'RESOLVED')).toHaveLength(1);
    expect(notices(channels.email, 'RESOLVED')).toHaveLength(2);
    await engine.stop();
  });

  it('an unacknowledged incident that resolves: the route receiver hears it from the group notification only', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy());
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 10 * 60_000, 10_000);
    const code = engine.inspect().incidents[0]!.ack_code;
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 10 * 60_000, 10_000);
    const oncall = notices(channels.whatsapp, 'RESOLVED', '+66811111111');
    // send_resolved: Alertmanager's resolved group notification, not a second message from the incident.
    expect(oncall).toHaveLength(1);
    expect(oncall[0]!.text).not.toContain(`Incident ${code}`);
    const lead = notices(channels.whatsapp, 'RESOLVED', '+66822222222');
    expect(lead).toHaveLength(1);
    expect(lead[0]!.text).toContain(`Incident ${code} resolved`);
    await engine.stop();
  });

  it('tells the route receiver of the resolution too when the route does not send resolved notifications', async () => {
    const config = withPolicy();
    config.route.send_resolved = false;
    const { engine, channels } = engineWithRecorders(config);
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 10 * 60_000, 10_000);
    expect(channels.whatsapp.sent).toHaveLength(2);
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 10 * 60_000, 10_000);
    expect(notices(channels.whatsapp, 'RESOLVED', '+66811111111')).toHaveLength(1);
    expect(notices(channels.whatsapp, 'RESOLVED', '+66822222222')).toHaveLength(1);
    // The manager was never paged: not told either.
    expect(channels.email.sent.filter((m) => m.to === 'arun@example.test')).toHaveLength(0);
    expect(channels.whatsapp.sent).toHaveLength(4);
    await engine.stop();
  });

  it('a page still in flight when the acknowledgement came brings its notice once it is answered', async () => {
    const { engine, channels } = engineWithRecorders(withPolicy());
    let release: ((r: SendResult) => void) | undefined;
    const send = channels.whatsapp.send.bind(channels.whatsapp);
    channels.whatsapp.send = async (m, o) => {
      if (m.to === '+66822222222' && !m.subject?.startsWith('[ACKNOWLEDGED]')) {
        channels.whatsapp.sent.push(m);
        return new Promise<SendResult>((res) => {
          release = res;
        });
      }
      return send(m, o);
    };
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 9 * 60_000, 10_000);
    for (let i = 0; i < 120 && !release; i++) await vi.advanceTimersByTimeAsync(1_000);
    expect(release).toBeDefined();
    const code = engine.inspect().incidents[0]!.ack_code;
    await engine.acknowledge({ ack_code: code, by: 'somchai' });
    // Only the on-call (already reached) is told so far; the lead's page is still unanswered.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66811111111')).toHaveLength(1);
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66822222222')).toHaveLength(0);
    release!({ ok: true, provider_message_id: 'late' });
    await advance(engine, 60_000);
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66822222222')).toHaveLength(1);
    expect(notices(channels.whatsapp, 'ACKNOWLEDGED', '+66811111111')).toHaveLength(1);
    await engine.stop();
  });
});
