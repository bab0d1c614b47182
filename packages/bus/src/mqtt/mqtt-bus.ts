import type { IPublishPacket, MqttClient } from 'mqtt';
import { pause } from '../backoff.js';
import { loadPeer } from '../internal/load-peer.js';
import { type BusLogger, noopLogger } from '../logger.js';
import { mqttTopicForSubject, subjectForMqttTopic } from '../subject.js';
import type { Delivery, Publisher, PublishOutcome, Subscriber, Subscription } from '../transport.js';

/** Options of {@link createMqttBus}. */
export interface MqttBusOptions {
  /** `mqtt://host:port`. */
  readonly url: string;
  /** Client id prefix; the publisher is `<prefix>-pub-<random>`, a durable `<prefix>-<durable>`. Default `fieldops`. */
  readonly clientIdPrefix?: string;
  /** How long the broker keeps a durable's session (and its queued QoS 1 messages) while it is away, s; default 7 days. */
  readonly sessionExpirySeconds?: number;
  readonly username?: string;
  readonly password?: string;
  readonly logger?: BusLogger;
}

/** An MQTT 5 connection as the bus uses it (QoS 1, persistent sessions). */
export interface MqttBus {
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  /** Ends every client this bus opened. */
  close(): Promise<void>;
}

const ENTRY = '@fieldops/bus/mqtt';

/**
 * Creates an MQTT bus. Topics are the subjects with `/` for `.` (`fieldops/automation/run/failed/v1`).
 * MQTT has no broker-side dedup: the dedup id travels as the user property `fieldops-dedup-id` and the
 * consumer's inbox drops duplicates. A durable is an MQTT 5 persistent session (clean start off, session
 * expiry); the PUBACK is sent only after the consumer acked, so a consumer that dies mid-event gets it
 * again on reconnect. Retries with back-off happen in the consumer process (MQTT has no delayed nak).
 */
export async function createMqttBus(options: MqttBusOptions): Promise<MqttBus> {
  const mqtt = await loadPeer('mqtt', ENTRY, () => import('mqtt'));
  const lib = (mqtt as unknown as { default?: typeof mqtt }).default ?? mqtt;
  const { connect, connectAsync } = lib;
  const logger = options.logger ?? noopLogger;
  const prefix = options.clientIdPrefix ?? 'fieldops';
  const clients = new Set<MqttClient>();
  const auth = {
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  };

  const pub = await connectAsync(options.url, {
    protocolVersion: 5,
    clientId: `${prefix}-pub-${Math.random().toString(16).slice(2, 10)}`,
    reconnectPeriod: 250,
    connectTimeout: 5_000,
    ...auth,
  });
  pub.on('error', (e) => logger.warn({ component: 'bus.mqtt', err: e.message }, 'mqtt publisher error'));
  clients.add(pub);

  const publisher: Publisher = {
    async publishBatch(messages) {
      return Promise.all(
        messages.map(async (m): Promise<PublishOutcome> => {
          if (!pub.connected) return { ok: false, error: new Error('mqtt broker not connected') };
          try {
            await pub.publishAsync(mqttTopicForSubject(m.subject), Buffer.from(m.data), {
              qos: 1,
              properties: { userProperties: { ...m.headers, 'fieldops-dedup-id': m.id } },
            });
            return { ok: true, duplicate: false };
          } catch (error) {
            return { ok: false, error: error as Error };
          }
        }),
      );
    },
    async close() {},
  };

  const subscriber: Subscriber = {
    async subscribe(opts, onDelivery): Promise<Subscription> {
      let closing = false;
      // Connect manually so the handler is in place before the broker replays the session's queue.
      const client = connect(options.url, {
        protocolVersion: 5,
        clientId: `${prefix}-${opts.durable}`,
        clean: false,
        properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? 7 * 24 * 3600 },
        reconnectPeriod: 250,
        manualConnect: true,
        ...auth,
      });
      clients.add(client);
      client.on('error', (e) =>
        logger.warn({ component: 'bus.mqtt', err: e.message }, 'mqtt subscriber error'),
      );
      const ackWaitMs = opts.ackWaitMs ?? 30_000;
      client.handleMessage = (packet: IPublishPacket, done) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(packet.properties?.userProperties ?? {})) headers[k] = String(v);
        const data = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        const run = async (attempt: number): Promise<void> => {
          let action: { retryMs?: number } | undefined;
          const delivery: Delivery = {
            subject: subjectForMqttTopic(packet.topic),
            data,
            headers,
            attempt,
            ack: async () => {
              action ??= {};
            },
            retry: async (delayMs) => {
              action ??= { retryMs: delayMs };
            },
          };
          try {
            await onDelivery(delivery);
          } catch {
            // not settled: treated like an ack-wait expiry below
          }
          if (action && action.retryMs === undefined) return done();
          await pause(action?.retryMs ?? ackWaitMs);
          // Closing without PUBACK leaves the message in the session: the broker sends it again next time.
          if (!closing) return run(attempt + 1);
        };
        void run(packet.dup ? 2 : 1);
      };
      const connected = new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      client.connect();
      await connected;
      await client.subscribeAsync(opts.subjects.map(mqttTopicForSubject), { qos: 1 });
      return {
        async close() {
          closing = true;
          clients.delete(client);
          await client.endAsync(true);
        },
      };
    },
  };

  return {
    publisher,
    subscriber,
    async close() {
      await Promise.all([...clients].map((c) => c.endAsync(true)));
      clients.clear();
    },
  };
}
