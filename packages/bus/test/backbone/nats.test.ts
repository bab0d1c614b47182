import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BusEvent,
  createConsumer,
  createOutbox,
  createRelay,
  type DeadLetter,
  type SqlDatabase,
} from '../../src/index.js';
import { createJetStreamBus, type JetStreamBus } from '../../src/nats.js';
import { missingServer, type RestartableServer, startNats } from '../../src/testing.js';
import { type Engine, postgresEngine } from '../helpers/databases.js';
import { deviceChanged } from '../helpers/events.js';

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missingServer('postgres', 'nats'))('NATS JetStream with a Postgres outbox', () => {
  let nats: RestartableServer;
  let engine: Engine;
  let bus: JetStreamBus;
  beforeAll(async () => {
    nats = await startNats();
    engine = postgresEngine();
    bus = await createJetStreamBus({ servers: nats.url, publishTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await bus?.close();
    await engine?.close();
    await nats?.stop();
  });

  async function applied(db: SqlDatabase) {
    return Number(((await db.query('SELECT count(*)::int AS n FROM applied')).rows[0] as { n: number }).n);
  }

  it('drops a second publish with the same Nats-Msg-Id (source + id) as a duplicate', async () => {
    const message = {
      subject: 'fieldops.test.dedup.v1',
      id: '/sites/x evt-1',
      data: new Uint8Array([1]),
      headers: {},
    };
    const [first] = await bus.publisher.publishBatch([message]);
    const [second] = await bus.publisher.publishBatch([message]);
    expect(first).toEqual({ ok: true, duplicate: false });
    expect(second).toEqual({ ok: true, duplicate: true });
  });

  it('refuses a message whose header value holds a line break (permanent), and still publishes the rest of the batch', async () => {
    const good = {
      subject: 'fieldops.test.headers.v1',
      id: '/sites/x hdr-1',
      data: new Uint8Array([1]),
      headers: {},
    };
    const bad = { ...good, id: '/sites/x hdr-2', headers: { 'ce-id': 'hdr-2\r\nNats-Expected-Stream: X' } };
    const [first, second] = await bus.publisher.publishBatch([bad, good]);
    expect(first).toMatchObject({ ok: false, permanent: true });
    expect((first as { error: Error }).error.message).toBe('nats: header ce-id holds a line break');
    expect(second).toEqual({ ok: true, duplicate: false });
  });

  it('carries events from the outbox through JetStream to a durable consumer that applies each once', async () => {
    const db = await engine.open();
    await db.query('CREATE TABLE applied (source text, id text)');
    const outbox = createOutbox({ db });
    const relay = createRelay({ db, publisher: bus.publisher, outbox, pollIntervalMs: 20 });
    const consumer = createConsumer({
      name: 'e2e',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      handlers: {
        'io.fieldops.registry.device.changed': {
          1: async (e, { tx }) => {
            await tx.query('INSERT INTO applied VALUES ($1, $2)', [e.source, e.id]);
          },
        },
      },
    });
    relay.start();
    await consumer.start();
    const events = Array.from({ length: 200 }, () => deviceChanged());
    await outbox.append(events);
    await until(async () => (await applied(db)) === 200);
    // Publish the same events again (a relay that died after publishing, before marking): nothing new.
    await bus.publisher.publishBatch(
      events.map((e: BusEvent) => ({
        subject: 'fieldops.registry.device.changed.v1',
        id: `${e.source} ${e.id}`,
        data: new TextEncoder().encode(JSON.stringify(e)),
        headers: {},
      })),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await applied(db)).toBe(200);
    await consumer.stop();
    await relay.stop();
  });

  it('backs off while nats-server is down, keeps the events, and publishes them once it is back', async () => {
    const db = await engine.open();
    const outbox = createOutbox({ db });
    const relay = createRelay({
      db,
      publisher: bus.publisher,
      pollIntervalMs: 20,
      backoff: { baseDelayMs: 50, maxDelayMs: 400, jitter: 'none' as const },
    });
    relay.start();
    // Take the server down for a while with events waiting.
    const downFor = nats.restart({ downMs: 4_000 });
    await new Promise((r) => setTimeout(r, 300));
    await outbox.append(Array.from({ length: 50 }, () => deviceChanged()));
    // Publishes time out after 1 s each pass: wait for a couple of failed passes.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await outbox.pendingCount()).toBe(50);
    const { rows } = await db.query('SELECT max(attempts)::int AS a FROM fieldops_bus.outbox');
    expect((rows[0] as { a: number }).a).toBeGreaterThanOrEqual(1);
    await downFor;
    await until(async () => (await outbox.pendingCount()) === 0, 30_000);
    await relay.stop();
  });

  it('sends a failing event to the JetStream dead-letter subject with the reason after N attempts', async () => {
    const db = await engine.open();
    const consumer = createConsumer({
      name: 'failing',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      maxAttempts: 2,
      backoff: { baseDelayMs: 10, maxDelayMs: 50, jitter: 'none' as const },
      subjects: ['fieldops.rfid.>'],
      handlers: {
        'io.fieldops.rfid.station.offline': {
          1: async () => {
            throw new Error('no route for station');
          },
        },
      },
    });
    await consumer.start();
    const js = (await import('@nats-io/jetstream')).jetstream(bus.connection);
    const dead: DeadLetter[] = [];
    const dlq = await (await import('@nats-io/jetstream')).jetstreamManager(bus.connection);
    await dlq.consumers.add('FIELDOPS_DLQ', {
      durable_name: 'reader',
      ack_policy: 'explicit' as never,
      filter_subject: 'fieldops-dlq.failing',
    });
    const e = deviceChanged({
      type: 'io.fieldops.rfid.station.offline.v1',
      data: { station_id: 'stn_0001', state: 'offline', previous_state: 'online', last_seen_at: null },
    });
    await bus.publisher.publishBatch([
      {
        subject: 'fieldops.rfid.station.offline.v1',
        id: `${e.source} ${e.id}`,
        data: new TextEncoder().encode(JSON.stringify(e)),
        headers: {},
      },
    ]);
    const reader = await js.consumers.get('FIELDOPS_DLQ', 'reader');
    await until(async () => {
      const m = await reader.next({ expires: 1_000 });
      if (m) {
        dead.push(m.json<DeadLetter>());
        m.ack();
      }
      return dead.length === 1;
    });
    await consumer.stop();
    expect(dead[0]).toMatchObject({
      consumer: 'failing',
      attempts: 2,
      reason: 'handler failed: no route for station (after 2 attempts)',
    });
  });
});
