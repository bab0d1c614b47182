// pnpm bench: relay throughput (batched async publish vs one awaited publish per event) and end-to-end
// latency (append → consumer commit) at 1,000 events/s offered, on Postgres + NATS and on PGlite embedded.
// Ratios are against the one-by-one baseline measured in the same run.
import { cpus } from 'node:os';
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
import { load1, selfCpuSeconds, treeCpuSeconds } from './cpu.js';

const BATCH_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BASELINE_EVENTS = Math.max(500, Math.floor(BATCH_EVENTS / 5));
const RATE = 1_000;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const BATCH_SIZE = Number(process.env.BENCH_BATCH ?? 1_000);

let seq = 0;
// A new durable starts from the oldest message kept, so each latency run tags its events.
let run = 0;
function event(kind: 'tick' | 'latency'): BusEvent {
  seq++;
  return {
    specversion: '1.0',
    id: `b-${seq}`,
    source: '/bench',
    type: `com.fieldops.bench.${kind}.v1`,
    data: { t: Date.now(), run },
  };
}
const tick = () => event('tick');
const probe = () => event('latency');

/** What one relay run measured: wall-clock rate, and events per CPU-second of relay + servers. */
interface Throughput {
  readonly eventsPerSecond: number;
  /** Events per CPU-second of this process (the relay) plus the server processes' trees. */
  readonly eventsPerCpuSecond: number;
  /** CPU seconds per 1,000 events: relay, postgres, nats-server. */
  readonly cpuPerThousand: { relay: number; postgres: number; nats: number };
  /** 1-minute load average at the start and the end. */
  readonly load: string;
}

/** Server process trees whose CPU time counts (empty in-process). */
interface ServerPids {
  readonly postgres?: number;
  readonly nats?: number;
}

async function relayThroughput(
  db: SqlDatabase,
  publisher: Publisher,
  mode: 'batch' | 'one-by-one',
  n: number,
  servers: ServerPids,
): Promise<Throughput> {
  await db.query('TRUNCATE fieldops_bus.outbox');
  const outbox = createOutbox({ db });
  for (let i = 0; i < n; i += 1_000)
    await outbox.append(Array.from({ length: Math.min(1_000, n - i) }, tick));
  const relay = createRelay({ db, publisher, batchSize: BATCH_SIZE, publishMode: mode });
  const cpu = () => ({
    relay: selfCpuSeconds(),
    postgres: servers.postgres ? treeCpuSeconds([servers.postgres]) : 0,
    nats: servers.nats ? treeCpuSeconds([servers.nats]) : 0,
  });
  const loadBefore = load1();
  const c0 = cpu();
  const t0 = performance.now();
  // drain: passes back to back; in batch mode on Postgres two overlap (next claim while one publishes).
  const { published } = await relay.drain();
  const s = (performance.now() - t0) / 1000;
  const c1 = cpu();
  if (published !== n) throw new Error(`published ${published} of ${n}`);
  const used = {
    relay: c1.relay - c0.relay,
    postgres: c1.postgres - c0.postgres,
    nats: c1.nats - c0.nats,
  };
  const perK = (x: number) => (x / n) * 1000;
  return {
    eventsPerSecond: n / s,
    eventsPerCpuSecond: n / (used.relay + used.postgres + used.nats),
    cpuPerThousand: { relay: perK(used.relay), postgres: perK(used.postgres), nats: perK(used.nats) },
    load: `${loadBefore}→${load1()}`,
  };
}

async function latency(
  db: SqlDatabase,
  publisher: Publisher,
  subscriber: Subscriber,
  name: string,
  batchSize: number,
) {
  await db.query('TRUNCATE fieldops_bus.outbox');
  run++;
  const outbox = createOutbox({ db });
  const relay = createRelay({ db, publisher, outbox, pollIntervalMs: 5, batchSize: 500 });
  const samples: number[] = [];
  const total = RATE * LATENCY_SECONDS;
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const consumer = createConsumer({
    name,
    db,
    subscriber,
    deadLetters: publisher,
    batchSize,
    // Called after the batch holding the delivery committed and was acked.
    onOutcome: (_outcome, d) => {
      const { t, run: of } = (
        JSON.parse(new TextDecoder().decode(d.data)) as { data: { t: number; run: number } }
      ).data;
      if (of !== run) return;
      samples.push(Date.now() - t);
      if (samples.length === total) resolveDone();
    },
    handlers: { 'com.fieldops.bench.latency': { 1: async () => {} } },
  });
  await consumer.start();
  const cpu0 = selfCpuSeconds();
  const wall0 = performance.now();
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
  // CPU this process (producer, relay and consumer) used per second of the run: when it needs more than
  // the machine gives it, a queue grows and the latency is the machine's, not the pipeline's.
  const cpuShare = (selfCpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
  await consumer.stop();
  samples.sort((a, b) => a - b);
  const q = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), received: samples.length, offered: total, cpuShare };
}

const throughputRows: string[][] = [];
const latencyRows: string[][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** BENCH_ONLY=throughput or BENCH_ONLY=latency runs one half (both by default). */
const only = process.env.BENCH_ONLY;

async function scenario(
  label: string,
  db: SqlDatabase,
  publisher: Publisher,
  subscriber: Subscriber,
  servers: ServerPids,
) {
  await migrate(db);
  if (only !== 'latency') {
    // Warm-up (not reported): the first pass of each mode pays for JIT compilation and cold caches.
    await relayThroughput(db, publisher, 'one-by-one', 500, servers);
    await relayThroughput(db, publisher, 'batch', 2_000, servers);
    const base = await relayThroughput(db, publisher, 'one-by-one', BASELINE_EVENTS, servers);
    const batch = await relayThroughput(db, publisher, 'batch', BATCH_EVENTS, servers);
    const cpu = (t: Throughput) =>
      `${fmt(t.eventsPerCpuSecond)} (${[t.cpuPerThousand.relay, t.cpuPerThousand.postgres, t.cpuPerThousand.nats].map((x) => x.toFixed(3)).join(' / ')})`;
    throughputRows.push([
      label,
      `${fmt(base.eventsPerSecond)} (load ${base.load})`,
      `${fmt(batch.eventsPerSecond)} (load ${batch.load})`,
      `${(batch.eventsPerSecond / base.eventsPerSecond).toFixed(1)}×`,
      cpu(base),
      cpu(batch),
      `${(batch.eventsPerCpuSecond / base.eventsPerCpuSecond).toFixed(1)}×`,
    ]);
  }
  if (only !== 'throughput') {
    const slug = label.replace(/[^a-z]/gi, '').toLowerCase();
    // Consumer baseline: one transaction per event, then batches of up to 100 deliveries per transaction.
    const loadBefore = load1();
    const single = await latency(db, publisher, subscriber, `bench-${slug}-single`, 1);
    const batched = await latency(db, publisher, subscriber, `bench-${slug}-batched`, 100);
    latencyRows.push([
      label,
      `${single.p50} / ${single.p99} ms (${single.received}/${single.offered}; ${single.cpuShare.toFixed(2)} CPU)`,
      `${batched.p50} / ${batched.p99} ms (${batched.received}/${batched.offered}; ${batched.cpuShare.toFixed(2)} CPU)`,
      `${loadBefore}→${load1()}`,
    ]);
  }
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
    const pids = { postgres: postgres.pid(), nats: nats.pid() };
    await scenario('Postgres + NATS JetStream', db, bus.publisher, bus.subscriber, pids);
    await bus.close();
    await db.close();
  } finally {
    await nats.stop();
    await postgres.stop();
  }
} else console.log('Postgres + NATS skipped: servers not installed');

if (process.env.BENCH_PGLITE !== '0') {
  const db = await createPgliteDatabase();
  const bus = createMemoryBus({ maxMessages: 1_000 });
  await scenario('PGlite + in-process', db, bus.publisher, bus.subscriber, {});
  await bus.close();
  await db.close();
}

if (throughputRows.length > 0) {
  console.log(
    `\nrelay throughput: one-by-one ${fmt(BASELINE_EVENTS)} events, batch ${fmt(BATCH_EVENTS)} events, ${fmt(BATCH_SIZE)} per claim; load = 1-minute load average before→after on ${cpus().length} cores.`,
  );
  console.log(
    'CPU = events per CPU-second of relay + postgres + nats-server (all their processes, /proc), with CPU-seconds per 1,000 events of each: independent of the load.\n',
  );
  console.log(
    '| outbox + bus | one-by-one publish (events/s) | batched async publish (events/s) | ratio | one-by-one: events per CPU-s (relay / pg / nats CPU-s per 1k) | batched: events per CPU-s (relay / pg / nats) | CPU ratio |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of throughputRows) console.log(`| ${r.join(' | ')} |`);
}
if (latencyRows.length > 0) {
  console.log(
    `\nend-to-end latency (outbox append → consumer commit) at ${RATE}/s offered for ${LATENCY_SECONDS} s; CPU = CPU-seconds per second the bench process (producer, relay, consumer) used\n`,
  );
  console.log(
    '| outbox + bus | p50 / p99, consumer 1 event per tx (received) | p50 / p99, consumer batched (received) | load |',
  );
  console.log('| --- | --- | --- | --- |');
  for (const r of latencyRows) console.log(`| ${r.join(' | ')} |`);
}
process.exit(0);
