import { createHash } from 'node:crypto';
import { converterPath, EVENT_CONVERTERS, isContractError, type VersionConverter } from '@fieldops/contracts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../backoff.js';
import { type BusEvent, decodeEvent } from '../envelope.js';
import { type BusLogger, noopLogger } from '../logger.js';
import { BUS_SCHEMA } from '../sql/migrations.js';
import type { SqlDatabase } from '../sql/types.js';
import { deadLetterSubject, parseEventType, subjectFilterForBase } from '../subject.js';
import type { Delivery, Publisher, Subscriber, Subscription } from '../transport.js';
import { createDeliveryBatcher } from './batcher.js';
import type { EventHandler, HandlerTable } from './handlers.js';

/** What the consumer did with one delivery. */
export type DeliveryOutcome = 'applied' | 'duplicate' | 'retry' | 'dead-lettered';

/** The body of a dead-letter message: why, after how many attempts, and the original message. */
export interface DeadLetter {
  readonly consumer: string;
  readonly reason: string;
  readonly attempts: number;
  readonly subject: string;
  /** The original message as text (the CloudEvent JSON when it was one). */
  readonly message: string;
}

/** Options of {@link createConsumer}. */
export interface ConsumerOptions {
  /** Durable name (one token of [a-z0-9_-]): the bus position and the inbox are kept under it. */
  readonly name: string;
  /** The database holding the inbox and the handler's own tables. */
  readonly db: SqlDatabase;
  readonly subscriber: Subscriber;
  /** Where dead letters go (`fieldops-dlq.<name>`). */
  readonly deadLetters: Publisher;
  readonly handlers: HandlerTable;
  /**
   * Converters between adjacent versions of an event type (default: the contracts' EVENT_CONVERTERS;
   * `[]` for none). An event of a version no handler declares reaches the nearest declared version a
   * converter chain joins; an event the chain cannot convert is dead-lettered at once with the reason.
   */
  readonly converters?: readonly VersionConverter[];
  /** Subjects to receive; default every version of each declared base type (so unknown versions dead-letter). */
  readonly subjects?: readonly string[];
  /** Attempts before a failing event goes to the dead letter; default 5. */
  readonly maxAttempts?: number;
  /** Delay between attempts; default DEFAULT_BACKOFF. */
  readonly backoff?: BackoffPolicy;
  readonly ackWaitMs?: number;
  /**
   * Deliveries applied per transaction (one inbox insert, the handlers, one commit, then the acks);
   * default 100. 1 gives one transaction per event.
   */
  readonly batchSize?: number;
  /** Called once per delivery after it is settled (acked, retried or dead-lettered): metrics, tests. */
  readonly onOutcome?: (outcome: DeliveryOutcome, delivery: Delivery) => void;
  readonly logger?: BusLogger;
}

/** A durable consumer applying each event once. */
export interface Consumer {
  /** Subscribes and starts applying deliveries. */
  start(): Promise<void>;
  /** Handles one delivery in a transaction of its own; exposed for transports that push. */
  handle(delivery: Delivery): Promise<DeliveryOutcome>;
  /**
   * Handles several deliveries in one transaction (what `start` does). When one handler fails nothing
   * of the batch is committed and each event is applied again alone, so only the failing one retries.
   */
  handleBatch(deliveries: readonly Delivery[]): Promise<DeliveryOutcome[]>;
  stop(): Promise<void>;
}

class Unroutable extends Error {}

// The dead letter's own dedup id: the event's source + id when it has them, else a hash of its bytes,
// so a dead letter published twice (crash after publish, before ack) is stored once.
function deadLetterId(consumer: string, delivery: Delivery): string {
  const source = delivery.headers['ce-source'];
  const id = delivery.headers['ce-id'];
  if (source && id) return `${consumer} ${source} ${id}`;
  return `${consumer} sha256:${createHash('sha256').update(delivery.data).digest('hex')}`;
}

/**
 * Creates a consumer: it decodes each CloudEvent, picks the handler of its type and version, writes
 * the inbox rows (consumer, source, id) and runs the handlers of a batch of deliveries in one
 * transaction, and acks only after the commit. A duplicate (inbox row present) is acked without running the handler.
 * A failing handler is retried with back-off; after `maxAttempts`, or at once when no handler takes
 * the type/version or the message is not a CloudEvent, the message goes to the dead letter with the
 * reason, a log line is written, and the original is acked.
 */
export function createConsumer(options: ConsumerOptions): Consumer {
  const { name, db, handlers } = options;
  const logger = options.logger ?? noopLogger;
  const maxAttempts = options.maxAttempts ?? 5;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const dlq = deadLetterSubject(name);
  const subjects = options.subjects ?? Object.keys(handlers).map(subjectFilterForBase);
  let subscription: Subscription | undefined;

  const converters = options.converters ?? EVENT_CONVERTERS;

  /** The declared version nearest to `version` that a converter chain reaches, with the chain. */
  function viaConverters(
    base: string,
    version: number,
    declared: readonly number[],
  ): { to: number; chain: VersionConverter[] } | undefined {
    const byDistance = [...declared].sort((a, b) => Math.abs(a - version) - Math.abs(b - version) || b - a);
    for (const to of byDistance) {
      const chain = converterPath(base, version, to, converters);
      if (chain) return { to, chain };
    }
    return undefined;
  }

  function route(event: BusEvent): EventHandler {
    let parsed: { base: string; version: number };
    try {
      parsed = parseEventType(event.type);
    } catch (error) {
      throw new Unroutable((error as Error).message);
    }
    const versions = handlers[parsed.base];
    if (!versions)
      throw new Unroutable(`no handler for type ${parsed.base} (any version) in consumer ${name}`);
    const handler = versions[parsed.version];
    if (handler) return handler;
    const declared = Object.keys(versions).map(Number);
    const via = viaConverters(parsed.base, parsed.version, declared);
    if (!via) {
      const known = declared.map((v) => `v${v}`).join(', ');
      throw new Unroutable(`no handler for ${event.type}: consumer ${name} handles ${parsed.base} ${known}`);
    }
    // Converted here, before any transaction: a value the declared version cannot express never
    // becomes convertible, so it is dead-lettered at once rather than retried. The inbox keeps the
    // event as delivered; the handler sees it in the version it declared.
    let converted: unknown = event;
    try {
      for (const c of via.chain) converted = c.convert(converted);
    } catch (error) {
      throw new Unroutable(
        `cannot convert ${event.type} to v${via.to} for consumer ${name}: ${(error as Error).message}`,
      );
    }
    const target = versions[via.to]!;
    return (_delivered, context) => target(converted as BusEvent, context);
  }

  async function deadLetter(delivery: Delivery, reason: string): Promise<DeliveryOutcome> {
    const body: DeadLetter = {
      consumer: name,
      reason,
      attempts: delivery.attempt,
      subject: delivery.subject,
      message: new TextDecoder().decode(delivery.data),
    };
    const [outcome] = await options.deadLetters.publishBatch([
      {
        subject: dlq,
        id: deadLetterId(name, delivery),
        data: new TextEncoder().encode(JSON.stringify(body)),
        headers: { 'fieldops-dead-reason': reason.slice(0, 512).replace(/[\r\n]/g, ' ') },
      },
    ]);
    if (!outcome?.ok) {
      // The dead letter could not be stored: do not ack, so the message is not lost.
      logger.error(
        { component: 'bus.consumer', consumer: name, err: outcome?.error.message },
        'dead letter publish failed',
      );
      await delivery.retry(backoffDelay(policy, delivery.attempt));
      return 'retry';
    }
    logger.warn(
      {
        component: 'bus.consumer',
        consumer: name,
        subject: delivery.subject,
        attempts: delivery.attempt,
        reason,
      },
      'event dead-lettered',
    );
    await delivery.ack();
    return 'dead-lettered';
  }

  interface Routed {
    readonly delivery: Delivery;
    readonly event: BusEvent;
    readonly handler: EventHandler;
  }

  /** Decodes and routes; what cannot be routed is dead-lettered at once. */
  async function prepare(delivery: Delivery): Promise<Routed | DeliveryOutcome> {
    try {
      const event = decodeEvent(delivery.data);
      return { delivery, event, handler: route(event) };
    } catch (error) {
      const reason =
        error instanceof Unroutable
          ? error.message
          : isContractError(error)
            ? `not a CloudEvent: ${error.message}`
            : `not a CloudEvent: ${(error as Error).message}`;
      return deadLetter(delivery, reason);
    }
  }

  async function failed(item: Routed, error: unknown): Promise<DeliveryOutcome> {
    const { delivery, event } = item;
    const reason = `handler failed: ${(error as Error).message}`;
    if (delivery.attempt >= maxAttempts)
      return deadLetter(delivery, `${reason} (after ${delivery.attempt} attempts)`);
    logger.warn(
      {
        component: 'bus.consumer',
        consumer: name,
        type: event.type,
        attempt: delivery.attempt,
        err: (error as Error).message,
      },
      'handler failed, will retry',
    );
    await delivery.retry(backoffDelay(policy, delivery.attempt));
    return 'retry';
  }

  async function applyOne(item: Routed): Promise<DeliveryOutcome> {
    const { delivery, event, handler } = item;
    try {
      const applied = await db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO ${BUS_SCHEMA}.inbox (consumer, source, id, type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
          [name, event.source, event.id, event.type],
        );
        if (rows.length === 0) return false;
        await handler(event, { tx, attempt: delivery.attempt, logger });
        return true;
      });
      await delivery.ack();
      return applied ? 'applied' : 'duplicate';
    } catch (error) {
      return failed(item, error);
    }
  }

  // One inbox INSERT for the whole batch; the rows it returns are the events not applied before. A key
  // twice in one batch is inserted once (ON CONFLICT DO NOTHING), so its second copy is a duplicate.
  async function applyMany(items: readonly Routed[]): Promise<DeliveryOutcome[]> {
    const key = (source: string, id: string) => `${source}\u0000${id}`;
    let applied: boolean[];
    try {
      applied = await db.transaction(async (tx) => {
        const params: unknown[] = [name];
        const values = items.map(({ event }, i) => {
          params.push(event.source, event.id, event.type);
          return `($1, $${3 * i + 2}, $${3 * i + 3}, $${3 * i + 4})`;
        });
        const { rows } = (await tx.query(
          `INSERT INTO ${BUS_SCHEMA}.inbox (consumer, source, id, type) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING source, id`,
          params,
        )) as { rows: { source: string; id: string }[] };
        const fresh = new Set(rows.map((r) => key(r.source, r.id)));
        const result: boolean[] = [];
        for (const { delivery, event, handler } of items) {
          const isNew = fresh.delete(key(event.source, event.id));
          if (isNew) await handler(event, { tx, attempt: delivery.attempt, logger });
          result.push(isNew);
        }
        return result;
      });
    } catch (error) {
      // Nothing of the batch was committed: apply each event alone, so only the failing one retries.
      logger.debug(
        { component: 'bus.consumer', consumer: name, size: items.length, err: (error as Error).message },
        'batch failed, applying its events one by one',
      );
      const outcomes: DeliveryOutcome[] = [];
      for (const item of items) outcomes.push(await applyOne(item));
      return outcomes;
    }
    await Promise.all(items.map((item) => item.delivery.ack()));
    return applied.map((a) => (a ? 'applied' : 'duplicate'));
  }

  async function handle(delivery: Delivery): Promise<DeliveryOutcome> {
    const prepared = await prepare(delivery);
    return typeof prepared === 'string' ? prepared : applyOne(prepared);
  }

  async function handleBatch(deliveries: readonly Delivery[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
    const routed: Routed[] = [];
    const where: number[] = [];
    for (const [i, delivery] of deliveries.entries()) {
      const prepared = await prepare(delivery);
      if (typeof prepared === 'string') outcomes[i] = prepared;
      else {
        routed.push(prepared);
        where.push(i);
      }
    }
    const applied =
      routed.length === 1
        ? [await applyOne(routed[0] as Routed)]
        : routed.length > 1
          ? await applyMany(routed)
          : [];
    applied.forEach((outcome, j) => {
      outcomes[where[j] as number] = outcome;
    });
    return outcomes;
  }

  const batcher = createDeliveryBatcher(batchSize, async (batch) => {
    let outcomes: DeliveryOutcome[];
    try {
      outcomes = await handleBatch(batch);
    } catch (error) {
      // Settling failed (the bus connection went away): the bus redelivers after the ack wait.
      logger.error(
        { component: 'bus.consumer', consumer: name, err: (error as Error).message },
        'batch not settled',
      );
      return;
    }
    const report = options.onOutcome;
    if (report) for (const [i, o] of outcomes.entries()) report(o, batch[i] as Delivery);
  });

  return {
    handle,
    handleBatch,
    async start() {
      if (subscription) return;
      subscription = await options.subscriber.subscribe(
        {
          durable: name,
          subjects,
          // Two batches in flight: one committing while the next fills.
          maxInFlight: batchSize * 2,
          ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}),
        },
        (d) => batcher.add(d),
      );
    },
    async stop() {
      await subscription?.close();
      await batcher.idle();
      subscription = undefined;
    },
  };
}
