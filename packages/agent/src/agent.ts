import { type Logger, noopLogger } from '@fieldops/core';
import type { AgentConfig } from './config.js';
import { createMqttConsumer, type MqttConsumer } from './mqtt/consumer.js';
import type { GatewayMessage } from './mqtt/device-event.js';
import type { ObservedStateBatcher } from './observed/batcher.js';
import type { AgentProducer, Emit } from './producer.js';

/** Where the agent puts events: the outbox (`@fieldops/bus` `Outbox` fits). */
export interface EventSink {
  append(events: SinkEvent | readonly SinkEvent[]): Promise<unknown>;
}

/** A CloudEvent as the sink takes it (the contracts' events, validated by the outbox). */
export interface SinkEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  data?: unknown;
}

/** A health monitor the agent drives (`@fieldops/sdk/chirpstack` `createHealthMonitor` fits). */
export interface AgentMonitor {
  observeGateway(
    o:
      | { gatewayId: string; kind: 'conn'; state: 'online' | 'offline' }
      | { gatewayId: string; kind: 'stats'; time?: string },
  ): Promise<unknown>;
  start(intervalMs: number, checkIntervalMs?: number): void;
  stop(): void;
  /** One full round now (the agent runs one at start, so an outage is reported without waiting an interval). */
  poll?(): Promise<unknown>;
}

/** Something started with the agent and stopped with it (the relay, a backend health loop). */
export interface AgentService {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Shown under /healthz. */
  health?(): Record<string, unknown>;
}

/** What {@link createAgent} wires together. */
export interface AgentParts {
  config: AgentConfig;
  sink: EventSink;
  /** The MQTT password, resolved from its SecretRef. */
  mqttPassword?: string;
  monitor?: AgentMonitor;
  observed?: ObservedStateBatcher;
  services?: AgentService[];
  /** Other event sources (RFID health, fleet sync): started with the agent, their events go to the sink. */
  producers?: AgentProducer[];
  logger?: Logger;
}

/** A running site agent. */
export interface Agent {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** What /healthz answers: `ok` false when the broker link is down. */
  health(): { ok: boolean; [part: string]: unknown };
}

/**
 * The site agent: the ChirpStack MQTT consumer writes CloudEvents to the sink (the outbox), gateway
 * conn state and stats feed the monitor, observed-state fields go to the batcher; services (the
 * outbox relay to the centre, RFID health loops) start and stop with it. The central link is only
 * the relay's business: while it is down the outbox keeps the events and the agent goes on.
 */
export function createAgent(parts: AgentParts): Agent {
  const logger = parts.logger ?? noopLogger;
  const c = parts.config;
  const source = c.source ?? `/sites/${c.site_id}`;
  let consumer: MqttConsumer | undefined;
  const producers = parts.producers ?? [];
  const emit: Emit = async (events) => {
    await parts.sink.append(events);
  };
  const onGateway = (g: GatewayMessage) => {
    const o =
      g.kind === 'conn'
        ? { gatewayId: g.gatewayId, kind: 'conn' as const, state: g.state }
        : { gatewayId: g.gatewayId, kind: 'stats' as const, ...(g.time ? { time: g.time } : {}) };
    parts.monitor
      ?.observeGateway(o)
      .catch((error) => logger.error({ operation: 'agent.monitor', err: String(error) }, 'monitor failed'));
  };
  return {
    async start() {
      for (const s of parts.services ?? []) {
        await s.start();
        logger.info({ operation: 'agent.start', service: s.name }, `${s.name} started`);
      }
      parts.observed?.start();
      consumer = createMqttConsumer({
        url: c.mqtt.url,
        ...(c.mqtt.username ? { username: c.mqtt.username } : {}),
        ...(parts.mqttPassword !== undefined ? { password: parts.mqttPassword } : {}),
        clientId: c.mqtt.client_id,
        applicationTopicPrefix: c.mqtt.application_topic_prefix,
        gatewayTopicPrefixes: c.mqtt.gateway_topic_prefixes,
        includePayload: c.mqtt.include_payload,
        source: `${source}/chirpstack`,
        siteId: c.site_id,
        onEvent: async (event) => {
          await parts.sink.append(event);
        },
        onGateway,
        ...(parts.observed
          ? { onObserved: (id: string, f: Record<string, unknown>) => parts.observed?.record(id, f) }
          : {}),
        logger,
      });
      await consumer.start();
      for (const p of producers) {
        await p.start(emit);
        logger.info({ operation: 'agent.start', producer: p.name }, `${p.name} started`);
      }
      if (parts.monitor && c.chirpstack) {
        parts.monitor.start(c.chirpstack.poll_interval_s * 1000);
        parts.monitor
          .poll?.()
          .catch((error) =>
            logger.error({ operation: 'agent.monitor', err: String(error) }, 'first monitor round failed'),
          );
      }
      logger.info({ operation: 'agent.start', site_id: c.site_id }, 'fieldops-agent started');
    },
    async stop() {
      parts.monitor?.stop();
      for (const p of [...producers].reverse()) await p.stop();
      await consumer?.stop();
      consumer = undefined;
      await parts.observed?.stop();
      for (const s of [...(parts.services ?? [])].reverse()) await s.stop();
      logger.info({ operation: 'agent.stop' }, 'fieldops-agent stopped');
    },
    health() {
      const mqtt = consumer?.stats() ?? { connected: false };
      const services = Object.fromEntries((parts.services ?? []).map((s) => [s.name, s.health?.() ?? {}]));
      return {
        ok: mqtt.connected === true,
        site_id: c.site_id,
        mqtt,
        ...(parts.observed ? { observed_state_pending: parts.observed.pending() } : {}),
        services,
        ...(producers.length > 0
          ? { producers: Object.fromEntries(producers.map((p) => [p.name, p.health?.() ?? {}])) }
          : {}),
      };
    },
  };
}
