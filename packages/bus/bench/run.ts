// pnpm bench: relay throughput (batched async publish vs one awaited publish per event) and end-to-end
// latency (append → consumer commit) at 1,000 events/s offered, on Postgres + NATS and on PGlite embedded.
// Ratios are against the one-by-one baseline measured in the same run.
import pg from 'pg';
import {
  type BusEvent,
  createConsumer,
  createMemoryBus,
  createOutbox,
  createRelay,
  migrate,
  type Publisher,
  type SqlDatabase,
  type Subscriber,
} from '../src/index.js';
import { createJetStreamBus } from '../src/nats.js';
import { createPgDatabase } from '../src/pg.js';
import { createPgliteDatabase } from '../src/pglite.js';
import { missingServer, startNats, startPostgres } from '../src/testing.js';

const BATCH_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BASELINE_EVENTS = Math.max(500, Math.floor(BATCH_EVENTS / 5));
const RATE = 1_000;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);

let seq = 0;
function event(kind: 'tick' | 'latency'): BusEvent {
  seq++;
  return {
    specversion: '1.0',
    id: `b-${seq}`,
    source: '/bench',
    type: `com.fieldops.bench.${kind}.v1`,
    data: { t: Date.now() },
  };
}
const tick = () => event('tick');
const probe = () => event('latency');

async function relayThroughput(
  db: SqlDatabase,
  publisher: Publisher,
  mode: 'batch' | 'one-by-one',
  n: number,
) {
  await db.query('TRUNCATE fieldops_bus.outbox');
  const outbox = createOutbox({ db });
  for (let i = 0; i < n; i += 1_000)
    await outbox.append(Array.from({ length: Math.min(1_000, n - i) }, tick));
  const relay = createRelay({ db, publisher, batchSize: 1_000, publishMode: mode });
  const t0 = performance.now();
  let published = 0;
  for (let p = await relay.runOnce(); p.claimed > 0; p = await relay.runOnce()) published += p.published;
  const s = (performance.now() - t0) / 1000;
  if (published !== n) throw new Error(`published ${published} of ${n}`);
  return n / s;
}

async function latency(db: SqlDatabase, publisher: Publisher, subscriber: Subscriber, name: string) {
  await db.query('TRUNCATE fieldops_bus.outbox');
  const outbox = createOutbox({ db });
  const relay = createRelay({ db, publisher, outbox, pollIntervalMs: 5, batchSize: 500 });
  const consumer = createConsumer({
    name,
    db,
    subscriber,
    deadLetters: publisher,
    handlers: { 'com.fieldops.bench.latency': { 1: async () => {} } },
  });
  const samples: number[] = [];
  const total = RATE * LATENCY_SECONDS;
  const done = new Promise<void>((resolve) => {
    void subscriber.subscribe(
      { durable: name, subjects: ['fieldops.ext.com.fieldops.bench.latency.*'] },
      async (d) => {
        await consumer.handle(d);
        const t = (JSON.parse(new TextDecoder().decode(d.data)) as { data: { t: number } }).data.t;
        samples.push(Date.now() - t);
        if (samples.length === total) resolve();
      },
    );
  });
  relay.start();
  // Offer RATE events/s in 10 ms slices.
  const t0 = Date.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
    if (due > sent) {
      await outbox.append(Array.from({ length: due - sent }, probe));
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  await relay.stop();
  samples.sort((a, b) => a - b);
  const q = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), received: samples.length, offered: total };
}

const rows: string[][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function scenario(label: string, db: SqlDatabase, publisher: Publisher, subscriber: Subscriber) {
  await migrate(db);
  const base = await relayThroughput(db, publisher, 'one-by-one', BASELINE_EVENTS);
  const batch = await relayThroughput(db, publisher, 'batch', BATCH_EVENTS);
  const lat = await latency(
    db,
    publisher,
    subscriber,
    `bench-${label.replace(/[^a-z]/gi, '').toLowerCase()}`,
  );
  rows.push([
    label,
    fmt(base),
    fmt(batch),
    `${(batch / base).toFixed(1)}×`,
    `${lat.p50} ms`,
    `${lat.p99} ms`,
    `${lat.received}/${lat.offered}`,
  ]);
}

if (!missingServer('postgres', 'nats')) {
  const postgres = await startPostgres();
  const nats = await startNats();
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const db = await createPgDatabase({
      connectionString: postgres.url.replace(/\/postgres$/, '/bench'),
      max: 4,
    });
    const bus = await createJetStreamBus({ servers: nats.url });
    await scenario('Postgres + NATS JetStream', db, bus.publisher, bus.subscriber);
    await bus.close();
    await db.close();
  } finally {
    await nats.stop();
    await postgres.stop();
  }
} else console.log('Postgres + NATS skipped: servers not installed');

{
  const db = await createPgliteDatabase();
  const bus = createMemoryBus({ maxMessages: 1_000 });
  await scenario('PGlite + in-process', db, bus.publisher, bus.subscriber);
  await bus.close();
  await db.close();
}

console.log(
  `\nrelay: one-by-one ${fmt(BASELINE_EVENTS)} events, batch ${fmt(BATCH_EVENTS)} events; latency at ${RATE}/s offered for ${LATENCY_SECONDS} s\n`,
);
console.log(
  '| outbox + bus | one-by-one publish (events/s) | batched async publish (events/s) | ratio | e2e p50 | e2e p99 | received |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
process.exit(0);
