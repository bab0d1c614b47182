import type { Message } from '@fieldops/contracts/notify/v1';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendResult } from '../../src/channels/channel.js';
import {
  advance,
  baseConfig,
  engineWithRecorders,
  gatewayEvent,
  recordingChannel,
  useFakeClock,
} from '../support/helpers.js';

/** One real event-loop turn (setImmediate is not faked by useFakeClock). */
const realTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('pacing and in-flight sends', () => {
  it('paces messages to one WhatsApp recipient (one per 6 s)', async () => {
    const whatsapp = recordingChannel('whatsapp', { recipientGapMs: 6_000 });
    const times: number[] = [];
    whatsapp.respond = () => {
      times.push(Date.now());
      return { ok: true };
    };
    const { engine } = engineWithRecorders(
      baseConfig({ route: { receiver: 'oncall', group_by: ['gateway_eui'], group_wait: '30s' } }),
      { channels: { whatsapp } },
    );
    for (const eui of ['0016c001ff10a001', '0016c001ff10a002', '0016c001ff10a003'])
      await engine.ingest(gatewayEvent('offline', eui));
    await advance(engine, 60_000, 500);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(6_000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(6_000);
    await engine.stop();
  });

  it('a send in flight when the ack arrives is neither retried nor failed over', async () => {
    let release: ((r: SendResult) => void) | undefined;
    const whatsapp = recordingChannel('whatsapp');
    whatsapp.send = (m: Message) => {
      whatsapp.sent.push(m);
      if (whatsapp.sent.length === 1) return Promise.resolve({ ok: true, provider_message_id: 'wamid.1' });
      // The acknowledgement notice to the on-call (paged by the first message) is answered.
      if (m.subject?.startsWith('[ACKNOWLEDGED]')) return Promise.resolve({ ok: true });
      // The repeat hangs in flight until released with a retryable failure.
      return new Promise<SendResult>((resolve) => {
        release = resolve;
      });
    };
    const { engine, channels } = engineWithRecorders(
      baseConfig({
        route: { receiver: 'oncall', group_by: ['alertname'], group_wait: '30s', repeat_interval: '1h' },
      }),
      { channels: { whatsapp } },
    );
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const code = whatsapp.sent[0]!.ack_code!;
    // The repeat goes out after an hour and hangs (settle() would wait for it, so no advance()).
    await vi.advanceTimersByTimeAsync(3_600_000);
    // The repeat's attempt is recorded before it is sent, in a group commit that starts one real
    // event-loop turn later (src/store/group-commit.ts). Under load the fake clock can run ahead of a
    // queued flush while it waits for that turn, which moves the group's next tick (up to one
    // group_interval later): step fake time a second at a time, turning the real loop after each step,
    // until the repeat is out.
    for (let i = 0; i < 900 && whatsapp.sent.length < 2; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      for (let turn = 0; turn < 5 && whatsapp.sent.length < 2; turn++) await realTurn();
    }
    expect(whatsapp.sent).toHaveLength(2);
    expect(release).toBeDefined();
    const ack = engine.acknowledge({ ack_code: code, by: 'somchai' });
    await ack;
    release!({ ok: false, retryable: true, code: '131000', message: 'temporary' });
    await advance(engine, 3_600_000, 60_000);
    // The hung repeat and the acknowledgement notice; no retry, no failover to email.
    expect(whatsapp.sent).toHaveLength(3);
    expect(whatsapp.sent[2]!.subject).toMatch(/^\[ACKNOWLEDGED\]/);
    expect(channels.email.sent).toHaveLength(0);
    expect(engine.inspect().deliveries).toHaveLength(0);
    await engine.stop();
  });
});
