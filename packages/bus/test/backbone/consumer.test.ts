import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BusEvent,
  type BusLogger,
  createConsumer,
  createMemoryBus,
  type DeadLetter,
  type Delivery,
  encodeEvent,
  type MemoryBus,
  type SqlDatabase,
  subjectForType,
} from '../../src/index.js';
import { pgliteEngine } from '../helpers/databases.js';
import { deviceChanged } from '../helpers/events.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20, jitter: 'none' as const };
const engine = pgliteEngine();
afterAll(() => engine.close());

let db: SqlDatabase;
let bus: MemoryBus;
beforeEach(async () => {
  db = await engine.open();
  await db.query('CREATE TABLE applied (source text, id text, type text)');
  bus = createMemoryBus();
  return () => bus.close();
});

async function publish(event: BusEvent | { raw: string; subject: string }) {
  const message =
    'raw' in event
      ? {
          subject: event.subject,
          id: `raw-${Math.random()}`,
          data: new TextEncoder().encode(event.raw),
          headers: {},
        }
      : {
          subject: subjectForType(event.type),
          id: `${event.source} ${event.id}`,
          data: encodeEvent(event),
          headers: {},
        };
  await bus.publisher.publishBatch([message]);
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function appliedRows() {
  return (await db.query('SELECT source, id, type FROM applied')).rows as {
    source: string;
    id: string;
    type: string;
  }[];
}

function deadLetters(consumer: string): DeadLetter[] {
  return bus
    .messages(`fieldops-dlq.${consumer}`)
    .map((m) => JSON.parse(new TextDecoder().decode(m.data)) as DeadLetter);
}

const store = async (e: BusEvent, { tx }: { tx: { query: SqlDatabase['query'] } }) => {
  await tx.query('INSERT INTO applied VALUES ($1, $2, $3)', [e.source, e.id, e.type]);
};

describe('consumer', () => {
  it('applies an event delivered twice only once (inbox keyed by source + id)', async () => {
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      handlers: { 'io.fieldops.registry.device.changed': { 1: store } },
    });
    const e = deviceChanged();
    const outcomes: string[] = [];
    const delivery = (attempt: number): Delivery => ({
      subject: subjectForType(e.type),
      data: encodeEvent(e),
      headers: {},
      attempt,
      ack: async () => {},
      retry: async () => {},
    });
    outcomes.push(await consumer.handle(delivery(1)));
    outcomes.push(await consumer.handle(delivery(2)));
    expect(outcomes).toEqual(['applied', 'duplicate']);
    expect(await appliedRows()).toHaveLength(1);
  });

  it('acks only after the commit: a failing handler leaves nothing, is retried with back-off, then applies once', async () => {
    let calls = 0;
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      backoff: FAST,
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async (e, ctx) => {
            calls++;
            await store(e, ctx);
            if (calls < 3) throw new Error('downstream busy');
          },
        },
      },
    });
    await consumer.start();
    await publish(deviceChanged());
    await until(async () => (await appliedRows()).length === 1);
    await consumer.stop();
    expect(calls).toBe(3);
    // The two failed attempts rolled back their own inserts and their inbox rows.
    expect(await appliedRows()).toHaveLength(1);
    expect(deadLetters('notify')).toEqual([]);
  });

  it('dead-letters an event after maxAttempts with the reason and the attempts', async () => {
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      backoff: FAST,
      maxAttempts: 3,
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async () => {
            throw new Error('template missing');
          },
        },
      },
    });
    await consumer.start();
    const e = deviceChanged();
    await publish(e);
    await until(() => deadLetters('notify').length === 1);
    await consumer.stop();
    const [dead] = deadLetters('notify');
    expect(dead?.reason).toBe('handler failed: template missing (after 3 attempts)');
    expect(dead?.attempts).toBe(3);
    expect(JSON.parse(dead?.message ?? '{}')).toEqual(e);
    expect(await appliedRows()).toEqual([]);
  });

  it('runs v1 and v2 of one type side by side and dead-letters v3, which nobody handles, with a log line', async () => {
    const warnings: { obj: object; msg?: string }[] = [];
    const logger: BusLogger = {
      debug() {},
      info() {},
      error() {},
      warn(obj, msg) {
        warnings.push({ obj, ...(msg ? { msg } : {}) });
      },
    };
    const seen: string[] = [];
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      logger,
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async (e) => {
            seen.push(`v1:${e.id}`);
          },
          2: async (e) => {
            seen.push(`v2:${e.id}`);
          },
        },
      },
    });
    await consumer.start();
    const v1 = deviceChanged();
    const v2 = deviceChanged({
      type: 'io.fieldops.registry.device.changed.v2',
      data: { anything: 'new shape' },
    });
    const v3 = deviceChanged({ type: 'io.fieldops.registry.device.changed.v3' });
    for (const e of [v1, v2, v3]) await publish(e);
    await until(() => deadLetters('notify').length === 1 && seen.length === 2);
    await consumer.stop();
    expect(seen).toEqual([`v1:${v1.id}`, `v2:${v2.id}`]);
    expect(deadLetters('notify')[0]?.reason).toBe(
      'no handler for io.fieldops.registry.device.changed.v3: consumer notify handles io.fieldops.registry.device.changed v1, v2',
    );
    expect(warnings).toContainEqual({
      obj: expect.objectContaining({ consumer: 'notify', subject: 'fieldops.registry.device.changed.v3' }),
      msg: 'event dead-lettered',
    });
  });

  it('dead-letters an unknown type and a message that is not a CloudEvent, naming why', async () => {
    const consumer = createConsumer({
      name: 'audit',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      subjects: ['fieldops.>'],
      handlers: { 'io.fieldops.registry.device.changed': { 1: store } },
    });
    await consumer.start();
    await publish(deviceChanged({ type: 'io.fieldops.rfid.station.offline.v1', data: {} }));
    await publish({ subject: 'fieldops.registry.device.changed.v1', raw: '{"specversion":"0.3"}' });
    await until(() => deadLetters('audit').length === 2);
    await consumer.stop();
    const reasons = deadLetters('audit').map((d) => d.reason);
    expect(reasons[0]).toBe(
      'no handler for type io.fieldops.rfid.station.offline (any version) in consumer audit',
    );
    expect(reasons[1]).toMatch(
      /^not a CloudEvent: events\.v1\.CloudEvent: specversion: expected specversion 1\.0/,
    );
  });

  it('is durable: events published while it is stopped are applied when it starts again', async () => {
    const make = () =>
      createConsumer({
        name: 'notify',
        db,
        subscriber: bus.subscriber,
        deadLetters: bus.publisher,
        handlers: { 'io.fieldops.registry.device.changed': { 1: store } },
      });
    const first = make();
    await first.start();
    await publish(deviceChanged());
    await until(async () => (await appliedRows()).length === 1);
    await first.stop();
    await publish(deviceChanged());
    await publish(deviceChanged());
    const second = make();
    await second.start();
    await until(async () => (await appliedRows()).length === 3);
    await second.stop();
  });

  it('applies a batch in one transaction: new events applied, one already in the inbox and a copy inside the batch skipped', async () => {
    let commits = 0;
    const counted: SqlDatabase = {
      ...db,
      query: (text, params) => db.query(text, params),
      transaction: async (fn) => {
        const result = await db.transaction(fn);
        commits++;
        return result;
      },
    };
    const consumer = createConsumer({
      name: 'notify',
      db: counted,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      handlers: { 'io.fieldops.registry.device.changed': { 1: store } },
    });
    const events = Array.from({ length: 5 }, () => deviceChanged());
    const acked: string[] = [];
    const delivery = (e: BusEvent): Delivery => ({
      subject: subjectForType(e.type),
      data: encodeEvent(e),
      headers: {},
      attempt: 1,
      ack: async () => {
        acked.push(e.id);
      },
      retry: async () => {
        throw new Error('no retry expected');
      },
    });
    expect(await consumer.handle(delivery(events[0] as BusEvent))).toBe('applied');
    commits = 0;
    const outcomes = await consumer.handleBatch([...events, events[3] as BusEvent].map(delivery));
    expect(outcomes).toEqual(['duplicate', 'applied', 'applied', 'applied', 'applied', 'duplicate']);
    expect(commits).toBe(1);
    expect((await appliedRows()).map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(acked).toHaveLength(7);
  });

  it('a failing event does not poison its batch: the others are applied, it alone is retried', async () => {
    const bad = deviceChanged();
    const good = Array.from({ length: 4 }, () => deviceChanged());
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async (e, ctx) => {
            await store(e, ctx);
            if (e.id === bad.id) throw new Error('template missing');
          },
        },
      },
    });
    const settled: string[] = [];
    const delivery = (e: BusEvent): Delivery => ({
      subject: subjectForType(e.type),
      data: encodeEvent(e),
      headers: {},
      attempt: 1,
      ack: async () => {
        settled.push(`ack ${e.id}`);
      },
      retry: async () => {
        settled.push(`retry ${e.id}`);
      },
    });
    const batch = [good[0], good[1], bad, good[2], good[3]] as BusEvent[];
    const outcomes = await consumer.handleBatch(batch.map(delivery));
    expect(outcomes).toEqual(['applied', 'applied', 'retry', 'applied', 'applied']);
    expect(settled).toEqual(batch.map((e) => (e === bad ? `retry ${e.id}` : `ack ${e.id}`)));
    // The failed attempt rolled back its insert and its inbox row: the retry can still apply it.
    expect((await appliedRows()).map((r) => r.id).sort()).toEqual(good.map((e) => e.id).sort());
    const inbox = await db.query('SELECT id FROM fieldops_bus.inbox WHERE id = $1', [bad.id]);
    expect(inbox.rows).toEqual([]);
  });

  it('started, it batches what the bus hands over and applies 500 events once each, in order', async () => {
    const order: string[] = [];
    const outcomes: string[] = [];
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      batchSize: 50,
      onOutcome: (o) => outcomes.push(o),
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async (e, ctx) => {
            order.push(e.id);
            await store(e, ctx);
          },
        },
      },
    });
    const events = Array.from({ length: 500 }, () => deviceChanged());
    await bus.publisher.publishBatch(
      events.map((e) => ({
        subject: subjectForType(e.type),
        id: `${e.source} ${e.id}`,
        data: encodeEvent(e),
        headers: {},
      })),
    );
    await consumer.start();
    await until(() => outcomes.length === 500);
    await consumer.stop();
    expect(order).toEqual(events.map((e) => e.id));
    expect(new Set(outcomes)).toEqual(new Set(['applied']));
    expect(await appliedRows()).toHaveLength(500);
  });
});
