import { buildEvent, type EventData, type EventOf, type EventType } from '@fieldops/contracts/events/v1';
import type { ChannelKind, DeliveryReceipt, Message } from '@fieldops/contracts/notify/v1';
import { vi } from 'vitest';
import type { Channel, SendResult } from '../../src/channels/channel.js';
import type { NotifyConfig } from '../../src/config.js';
import { createNotifyEngine, type NotifyEngine, type NotifyEngineOptions } from '../../src/engine.js';
import type { Logger } from '../../src/types.js';

/** Fake only timers and Date: sockets, setImmediate and nextTick stay real for SMTP and msw. */
export function useFakeClock(start = '2026-11-27T03:00:00Z'): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date(start));
}

/** Advances fake time in steps, letting the engine finish its work after each step. */
export async function advance(engine: NotifyEngine, ms: number, stepMs = 1000): Promise<void> {
  await engine.settle();
  let left = ms;
  while (left > 0) {
    const step = Math.min(stepMs, left);
    await vi.advanceTimersByTimeAsync(step);
    await engine.settle();
    left -= step;
  }
}

/** A channel that records messages and answers what `respond` says (ok by default). */
export interface RecordingChannel extends Channel {
  sent: Message[];
  respond: (m: Message, n: number) => SendResult;
}

/** Makes a recording channel. */
export function recordingChannel(kind: ChannelKind, extra: Partial<Channel> = {}): RecordingChannel {
  const ch: RecordingChannel = {
    kind,
    sent: [],
    respond: () => ({ ok: true, provider_message_id: `${kind}-${ch.sent.length}` }),
    async send(m) {
      ch.sent.push(m);
      return ch.respond(m, ch.sent.length);
    },
    ...extra,
  };
  return ch;
}

/** A logger that keeps every line as JSON text. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg?: string) =>
    lines.push(JSON.stringify({ level, ...obj, msg }));
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A config with one on-call receiver reached by WhatsApp then email, and a lead for escalation. */
export function baseConfig(overrides: Partial<NotifyConfig> = {}): NotifyConfig {
  return {
    route: {
      receiver: 'oncall',
      group_by: ['alertname', 'site'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
    },
    receivers: [
      {
        name: 'oncall',
        contacts: [
          {
            name: 'somchai',
            chain: [
              { channel: 'whatsapp', to: '+66811111111' },
              { channel: 'email', to: 'somchai@example.test' },
            ],
          },
        ],
      },
      { name: 'lead', contacts: [{ name: 'nok', chain: [{ channel: 'whatsapp', to: '+66822222222' }] }] },
      {
        name: 'manager',
        contacts: [{ name: 'arun', chain: [{ channel: 'email', to: 'arun@example.test' }] }],
      },
    ],
    channels: {
      whatsapp: {
        phone_number_id: '1234567890',
        token: { value: 'wa-test-token' },
        template: { name: 'fieldops_alert', language: 'en' },
        recipient_gap: 0,
      },
      email: { host: '127.0.0.1', port: 2525, from: 'fieldops <alerts@example.test>' },
    },
    retry: { max_attempts: 3, base_delay: '1s', max_delay: '30s' },
    ...overrides,
  };
}

/** An engine with recording channels for every kind, and the receipts it emitted. */
export function engineWithRecorders(
  config: NotifyConfig,
  options: Partial<NotifyEngineOptions> = {},
): {
  engine: NotifyEngine;
  channels: Record<'whatsapp' | 'email' | 'slack' | 'discord', RecordingChannel>;
  receipts: DeliveryReceipt[];
} {
  const channels = {
    whatsapp: recordingChannel('whatsapp'),
    email: recordingChannel('email'),
    slack: recordingChannel('slack'),
    discord: recordingChannel('discord'),
    ...(options.channels as Partial<Record<'whatsapp' | 'email' | 'slack' | 'discord', RecordingChannel>>),
  };
  const receipts: DeliveryReceipt[] = [];
  const engine = createNotifyEngine({
    config,
    onReceipt: (r) => receipts.push(r),
    random: seeded(42),
    ...options,
    channels,
  });
  return { engine, channels, receipts };
}

/** A deterministic random source. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let counter = 0;
/** A fieldops event with a fresh id. */
export function event<T extends EventType>(
  type: T,
  data: EventData<T>,
  source = '/sites/site_01/chirpstack',
): EventOf<T> {
  return buildEvent(type, data, { source, id: `evt-${++counter}`, time: new Date().toISOString() });
}

/** A gateway offline/online event. */
export function gatewayEvent(
  state: 'offline' | 'online',
  eui = '0016c001ff10a235',
  site = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v',
) {
  const type =
    state === 'offline'
      ? 'io.fieldops.chirpstack.gateway.offline.v1'
      : 'io.fieldops.chirpstack.gateway.online.v1';
  return event(type, {
    gateway_eui: eui,
    site_id: site as never,
    name: `gw-${eui.slice(-4)}`,
    state,
    previous_state: state === 'offline' ? 'online' : 'offline',
    last_seen_at: '2026-11-27T02:55:00Z',
  });
}
