// `service.bus.kind: nats`: notify as a JetStream durable consumer through @fieldops/bus. Each event is
// ingested inside the consumer's inbox transaction and acked only after both the inbox row and notify's
// own store have committed; a redelivery after a crash is a duplicate twice over (the inbox, then
// notify's dedup by source + id), so an event is neither lost nor paged twice.
import { join } from 'node:path';
import type {
  BusEvent,
  Consumer,
  DeliveryOutcome,
  EventHandler,
  HandlerTable,
  SqlDatabase,
} from '@fieldops/bus';
import type { Logger } from '@fieldops/core';
import type { NotifyEngine } from '../engine.js';
import { NotifyConfigError } from '../errors.js';
import { DEFAULT_SOURCES } from '../sources/index.js';
import type { ServiceSection } from './config-file.js';

/** A running bus consumer and how to stop it. */
export interface BusConsumer {
  /** `nats nats://… (durable notify)`: no secret. */
  describe: string;
  close(): Promise<void>;
}

/** Options of {@link startBusConsumer}. */
export interface BusConsumerOptions {
  engine: NotifyEngine;
  /** Where the inbox lives when `bus.inbox` is not set: `<pglite store path>/inbox`, or none. */
  storeSection: ServiceSection['store'];
  logger: Logger;
  /** Called for each settled delivery (tests, metrics). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

const TYPE = /^(.+)\.v(\d+)$/;

/** One handler per event type notify has a source adapter for: base type → version → ingest. */
export function notifyHandlers(
  engine: NotifyEngine,
  types: readonly string[] = Object.keys(DEFAULT_SOURCES),
): HandlerTable {
  const ingest: EventHandler = async (event: BusEvent) => {
    // Resolves once the alert is committed to notify's store; a throw rolls the inbox row back and the
    // event is redelivered (an invalid one goes to the dead letter after the consumer's attempts).
    await engine.ingest(event as Parameters<NotifyEngine['ingest']>[0]);
  };
  const table: Record<string, Record<number, EventHandler>> = {};
  for (const type of types) {
    const m = TYPE.exec(type);
    if (!m) continue;
    const base = m[1] as string;
    table[base] ??= {};
    table[base][Number(m[2])] = ingest;
  }
  return table;
}

/** The inbox's data directory: `bus.inbox`, else `<pglite store path>/inbox`; a config error otherwise. */
export function inboxDirectory(
  section: Extract<NonNullable<ServiceSection['bus']>, { kind: 'nats' }>,
  store: ServiceSection['store'],
): string {
  const dir = section.inbox ?? (store.kind === 'pglite' ? join(store.path, 'inbox') : undefined);
  if (!dir) {
    throw new NotifyConfigError(
      `service.bus.inbox: required with bus.kind nats when service.store.kind is ${store.kind} (a PGlite data directory)`,
    );
  }
  return dir;
}

/**
 * Connects to NATS and starts the durable consumer `bus.durable` (default `notify`). The inbox is a
 * PGlite database (`bus.inbox`, default `<pglite store path>/inbox`).
 */
export async function startBusConsumer(
  section: Extract<NonNullable<ServiceSection['bus']>, { kind: 'nats' }>,
  options: BusConsumerOptions,
): Promise<BusConsumer> {
  const inboxDir = inboxDirectory(section, options.storeSection);
  const bus = await import('@fieldops/bus');
  const { createPgliteDatabase } = await import('@fieldops/bus/pglite');
  const { createJetStreamBus } = await import('@fieldops/bus/nats');
  const durable = section.durable ?? 'notify';
  const db: SqlDatabase = await createPgliteDatabase({ dataDir: inboxDir });
  let js: Awaited<ReturnType<typeof createJetStreamBus>> | undefined;
  let consumer: Consumer | undefined;
  try {
    await bus.migrate(db);
    js = await createJetStreamBus({ servers: section.servers, name: `fieldops-notify ${durable}` });
    consumer = bus.createConsumer({
      name: durable,
      db,
      subscriber: js.subscriber,
      deadLetters: js.publisher,
      handlers: notifyHandlers(options.engine),
      // notify reads later versions through the contracts' converters itself (withConvertedVersions).
      converters: [],
      logger: options.logger,
      ...(options.onOutcome ? { onOutcome: (o: DeliveryOutcome) => options.onOutcome?.(o) } : {}),
    });
    await consumer.start();
  } catch (err) {
    await js?.close().catch(() => {});
    await db.close();
    throw err;
  }
  const started = consumer;
  const connection = js;
  return {
    describe: `nats ${section.servers.map((u) => u.replace(/\/\/[^@/]*@/, '//')).join(',')} (durable ${durable})`,
    async close() {
      await started.stop();
      await connection.close();
      await db.close();
    },
  };
}
