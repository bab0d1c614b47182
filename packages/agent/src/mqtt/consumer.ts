import { type Clock, type Logger, noopLogger } from '@fieldops/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { GatewayMessage } from './device-event.js';
import { createMessageHandler, type MessageHandlerOptions } from './handle-message.js';
import type { TelemetryEvent } from './to-events.js';
import { buildSubscriptions } from './topics.js';

/** Options of {@link createMqttConsumer}. */
export interface MqttConsumerOptions extends Omit<MessageHandlerOptions, 'now'> {
  /** Broker URL, e.g. `mqtt://mosquitto:1883`. */
  url: string;
  username?: string;
  password?: string;
  /** Client id of the persistent session (default `fieldops-agent`). */
  clientId?: string;
  /** Takes each CloudEvent (e.g. writes it to the outbox); the message is acknowledged after it resolves. */
  onEvent: (event: TelemetryEvent) => void | Promise<void>;
  /** Takes gateway connection state and stats (the gateway health monitor). */
  onGateway?: (message: GatewayMessage) => void;
  /** Takes observed-state fields for a registry device (the batcher). */
  onObserved?: (deviceId: string, fields: Record<string, unknown>) => void;
  /** The clock (core's `Clock`) of the time stamps; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  logger?: Logger;
  /** Extra mqtt.js options (TLS, keepalive). */
  mqttOptions?: IClientOptions;
}

/** Counters of a running consumer. */
export interface MqttConsumerStats {
  received: number;
  events: number;
  ignored: number;
  errors: number;
  connected: boolean;
}

/** The ChirpStack MQTT integration consumer. */
export interface MqttConsumer {
  /** Connects, subscribes (QoS 1, persistent session) and resolves once subscribed. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): MqttConsumerStats;
}

/**
 * Subscribes to ChirpStack's application events and the Gateway Bridge's `state/conn` and
 * `event/stats`. QoS 1 on a persistent session (clean: false), so messages published while the agent
 * was down are delivered when it returns; each message is acknowledged only after `onEvent` resolved
 * (at-least-once: the event ids make redeliveries duplicates the bus drops). A message that does not
 * decode is logged with its topic and the decoder's reason and acknowledged: it will not decode later.
 */
export function createMqttConsumer(options: MqttConsumerOptions): MqttConsumer {
  const logger = options.logger ?? noopLogger;
  const clock = options.clock;
  const now = clock ? () => new Date(clock.now()) : (options.now ?? (() => new Date()));
  const handle = createMessageHandler({ ...options, now });
  const counters = { received: 0, events: 0, ignored: 0, errors: 0 };
  let client: MqttClient | undefined;

  async function onMessage(topic: string, payload: Uint8Array): Promise<void> {
    counters.received += 1;
    let handled: ReturnType<typeof handle>;
    try {
      handled = handle(topic, payload);
    } catch (error) {
      counters.errors += 1;
      logger.warn(
        { operation: 'mqtt.decode', topic, err: (error as Error).message },
        'undecodable MQTT message',
      );
      return;
    }
    if (!handled) {
      counters.ignored += 1;
      return;
    }
    if (handled.gateway) options.onGateway?.(handled.gateway);
    if (handled.observed) options.onObserved?.(handled.observed.deviceId, handled.observed.fields);
    if (handled.event) {
      await options.onEvent(handled.event);
      counters.events += 1;
    }
  }

  return {
    async start() {
      if (client) return;
      const c = mqtt.connect(options.url, {
        clientId: options.clientId ?? 'fieldops-agent',
        clean: false,
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
        reconnectPeriod: 1000,
        ...options.mqttOptions,
      });
      // mqtt.js acknowledges a QoS 1 PUBLISH when this callback is called: after the event is taken.
      c.handleMessage = (packet, callback) => {
        onMessage(packet.topic, packet.payload as Uint8Array).then(
          () => callback(),
          (error) => {
            counters.errors += 1;
            logger.error(
              { operation: 'mqtt.handle', topic: packet.topic, err: String(error) },
              'event sink failed',
            );
            // Not acknowledged: close the connection so the broker redelivers on reconnect.
            callback(error as Error);
          },
        );
      };
      c.on('connect', () => logger.info({ operation: 'mqtt.connect', url: options.url }, 'MQTT connected'));
      c.on('offline', () => logger.warn({ operation: 'mqtt.offline', url: options.url }, 'MQTT offline'));
      c.on('error', (error) => logger.warn({ operation: 'mqtt.error', err: error.message }, 'MQTT error'));
      client = c;
      try {
        await new Promise<void>((resolve, reject) => {
          const fail = (error: Error) => reject(error);
          c.once('error', fail);
          c.once('connect', () => {
            c.off('error', fail);
            resolve();
          });
        });
      } catch (error) {
        // A refused first connect (bad credentials, wrong URL) is a configuration error: stop retrying.
        client = undefined;
        await c.endAsync(true);
        throw error;
      }
      const topics = buildSubscriptions(options.applicationTopicPrefix, options.gatewayTopicPrefixes);
      await c.subscribeAsync(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }])));
      logger.info({ operation: 'mqtt.subscribe', topics }, 'MQTT subscribed');
    },
    async stop() {
      const c = client;
      client = undefined;
      await c?.endAsync();
    },
    stats: () => ({ ...counters, connected: client?.connected ?? false }),
  };
}
