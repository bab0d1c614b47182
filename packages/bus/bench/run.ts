// pnpm bench: relay throughput (batched async publish vs one awaited publish per event) and end-to-end
// latency (outbox append → consumer commit) at 1,000 events/s offered, on Postgres + NATS and on PGlite
// embedded. Ratios are against the one-by-one baseline measured in the same run, in alternating rounds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  type SqlExecutor,
  type Subscriber,
} from '../src/index.js';
import { createJetStreamBus } from '../src/nats.js';
import { createPgDatabase } from '../src/pg.js';
import { createPgliteDatabase } from '../src/pglite.js';
import { missingServer, startNats, startPostgres } from '../src/testing.js';
import { load1, machineBusy, selfCpuSeconds, treeCpuSeconds } from './cpu.js';

const BATCH_EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000);
// As many events one by one as batched by default: a drain's cost per event grows with the rows it leaves
// behind (PGlite: 18-20 µs per event draining 5,000, 25-30 draining 40,000, in either mode).
const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? BATCH_EVENTS);
/** Alternating one-by-one / batched rounds per setup; the table shows medians. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const BATCH_SIZE = Number(process.env.BENCH_BATCH ?? 1_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const WARMUP_SECONDS = 1;
/** BENCH_LATENCY_SINGLE=1 also measures a consumer applying one event per transaction. */
const LATENCY_SINGLE = process.env.BENCH_LATENCY_SINGLE === '1';
/** BENCH_PUBLISHED=keep or =delete measures one relay mode (both by default). */
const MODES = (['keep', 'delete'] as const).filter(
  (m) => !process.env.BENCH_PUBLISHED || process.env.BENCH_PUBLISHED === m,
);

let seq = 0;
// A new durable starts from the oldest message kept, so each latency run tags its events.
let run = 0;
function event(kind: 'tick' | 'latency', t = 0): BusEvent {
  seq++;
  return {
    specversion: '1.0',
    id: `b-${seq}`,
    source: '/bench',
    type: `com.fieldops.bench.${kind}.v1`,
    data: { t, run },
  };
}
const tick = () => event('tick');

/** What one relay run measured: wall-clock rate, and CPU of relay + servers. */
interface Throughput {
  readonly eventsPerSecond: number;
  /** Events per CPU-second of this process (the relay) plus the server processes' trees. */
  readonly eventsPerCpuSecond: number;
  /** CPU µs per event: relay, postgres, nats-server. */
  readonly cpuPerEvent: { relay: number; postgres: number; nats: number };
  /** 1-minute load average at the start. */
  readonly load: number;
  /** Share of all cores busy (every process on the machine) during the run. */
  readonly busy: number;
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
  publishedRows: 'keep' | 'delete',
  n: number,
  servers: ServerPids,
): Promise<Throughput> {
  await db.query('TRUNCATE fieldops_bus.outbox');
  const outbox = createOutbox({ db });
  for (let i = 0; i < n; i += 1_000)
    await outbox.append(Array.from({ length: Math.min(1_000, n - i) }, tick));
  const relay = createRelay({ db, publisher, batchSize: BATCH_SIZE, publishMode: mode, publishedRows });
  const cpu = () => ({
    relay: selfCpuSeconds(),
    postgres: servers.postgres ? treeCpuSeconds([servers.postgres]) : 0,
    nats: servers.nats ? treeCpuSeconds([servers.nats]) : 0,
  });
  const load = Number(load1());
  const busy = machineBusy();
  const c0 = cpu();
  const t0 = performance.now();
  // drain: passes back to back; in batch mode on Postgres two overlap (next claim while one publishes).
  const { published } = await relay.drain();
  const s = (performance.now() - t0) / 1000;
  const c1 = cpu();
  const busyShare = busy();
  if (published !== n) throw new Error(`published ${published} of ${n}`);
  const used = {
    relay: c1.relay - c0.relay,
    postgres: c1.postgres - c0.postgres,
    nats: c1.nats - c0.nats,
  };
  const perEvent = (x: number) => (x / n) * 1e6;
  return {
    eventsPerSecond: n / s,
    eventsPerCpuSecond: n / (used.relay + used.postgres + used.nats),
    cpuPerEvent: {
      relay: perEvent(used.relay),
      postgres: perEvent(used.postgres),
      nats: perEvent(used.nats),
    },
    load,
    busy: busyShare,
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** What one latency run measured. */
interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly received: number;
  readonly offered: number;
  /** 99th percentile of how late the producer appended against its schedule, ms. */
  readonly producerLagP99: number;
  /** CPU-seconds per second this process (producer, relay, consumer) used. */
  readonly cpuShare: number;
  /** Share of all cores busy on the whole machine during the run. */
  readonly busy: number;
  readonly load: number;
}

/**
 * Offers RATE events/s on a fixed timeline for WARMUP_SECONDS + LATENCY_SECONDS: event i is due at
 * t0 + i/RATE and carries that due time, so a late producer (a stalled loop, a slow append) shows up in
 * the latency instead of silently offering less (no coordinated omission). Each event is measured from
 * its due time to the commit of the consumer transaction that applied it (the bench wraps the consumer's
 * database to see the commit). Warm-up events are not counted.
 */
async function latency(
  db: SqlDatabase,
  publisher: Publisher,
  subscriber: Subscriber,
  name: string,
  batchSize: number,
  publishedRows: 'keep' | 'delete',
): Promise<Latency> {
  await db.query('TRUNCATE fieldops_bus.outbox');
  run++;
  const outbox = createOutbox({ db });
  const relay = createRelay({ db, publisher, outbox, pollIntervalMs: 5, batchSize: 500, publishedRows });
  const samples: number[] = [];
  const measured = RATE * LATENCY_SECONDS;
  const warmup = RATE * WARMUP_SECONDS;
  const total = warmup + measured;
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  // Due times of the events each consumer transaction applied, keyed by the transaction handed to the handlers.
  const applied = new WeakMap<SqlExecutor, number[]>();
  const consumerDb: SqlDatabase = {
    ...db,
    query: (text, params) => db.query(text, params),
    async transaction(fn) {
      const dues: number[] = [];
      const result = await db.transaction((tx) => {
        const mine: SqlExecutor = { query: (text, params) => tx.query(text, params) };
        applied.set(mine, dues);
        return fn(mine);
      });
      const committed = performance.now();
      for (const due of dues) if (due >= 0) samples.push(committed - due);
      if (samples.length >= measured) resolveDone();
      return result;
    },
  };
  const consumer = createConsumer({
    name,
    db: consumerDb,
    subscriber,
    deadLetters: publisher,
    batchSize,
    handlers: {
      'com.fieldops.bench.latency': {
        1: async (e, { tx }) => {
          const { t, run: of } = e.data as { t: number; run: number };
          // A warm-up event carries a negative due time: applied, not counted.
          if (of === run) applied.get(tx)?.push(t);
        },
      },
    },
  });
  await consumer.start();
  relay.start();
  const lags: number[] = [];
  const t0 = performance.now();
  const due = (i: number) => t0 + (i * 1000) / RATE;
  let cpu0 = 0;
  let wall0 = 0;
  let busy = () => Number.NaN;
  let load = 0;
  for (let next = 0; next < total; ) {
    if (next >= warmup && wall0 === 0) {
      cpu0 = selfCpuSeconds();
      wall0 = performance.now();
      busy = machineBusy();
      load = Number(load1());
    }
    const now = performance.now();
    const upTo = Math.min(total, Math.floor(((now - t0) * RATE) / 1000) + 1);
    if (upTo > next) {
      const batch: BusEvent[] = [];
      for (let i = next; i < upTo; i++) batch.push(event('latency', i < warmup ? -1 : due(i)));
      await outbox.append(batch);
      const appended = performance.now();
      for (let i = Math.max(next, warmup); i < upTo; i++) lags.push(appended - due(i));
      next = upTo;
    }
    // Sleep until the next event is due (setTimeout's floor is 1 ms).
    const wait = due(next) - performance.now();
    if (next < total && wait > 0) await new Promise((r) => setTimeout(r, Math.max(1, wait)));
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  const cpuShare = (selfCpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
  const busyShare = busy();
  await relay.stop();
  await consumer.stop();
  samples.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;
  return {
    p50: q(samples, 0.5),
    p99: q(samples, 0.99),
    max: samples.at(-1) ?? Number.NaN,
    received: samples.length,
    offered: measured,
    producerLagP99: q(lags, 0.99),
    cpuShare,
    busy: busyShare,
    load,
  };
}

const throughputRows: string[][] = [];
const latencyRows: string[][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => (Number.isNaN(x) ? '?' : `${Math.round(x * 100)}%`);
const ms = (x: number) => (x >= 100 ? fmt(x) : x.toFixed(1));
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
    for (const rows of MODES) {
      // Warm-up (not reported): the first pass of each mode pays for JIT compilation and cold caches.
      await relayThroughput(db, publisher, 'one-by-one', rows, 500, servers);
      await relayThroughput(db, publisher, 'batch', rows, 4_000, servers);
      const base: Throughput[] = [];
      const batch: Throughput[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        base.push(await relayThroughput(db, publisher, 'one-by-one', rows, BASELINE_EVENTS, servers));
        batch.push(await relayThroughput(db, publisher, 'batch', rows, BATCH_EVENTS, servers));
      }
      const rate = (ts: Throughput[]) => median(ts.map((t) => t.eventsPerSecond));
      const perCpu = (ts: Throughput[]) => median(ts.map((t) => t.eventsPerCpuSecond));
      const split = (ts: Throughput[]) =>
        (['relay', 'postgres', 'nats'] as const)
          .map((k) => median(ts.map((t) => t.cpuPerEvent[k])).toFixed(1))
          .join(' / ');
      const ratios = base.map((b, i) => (batch[i] as Throughput).eventsPerSecond / b.eventsPerSecond);
      const all = [...base, ...batch];
      throughputRows.push([
        label,
        rows === 'keep' ? 'keep (default)' : 'delete',
        fmt(rate(base)),
        `**${fmt(rate(batch))}**`,
        `**${(rate(batch) / rate(base)).toFixed(1)}×** (${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}×)`,
        `${fmt(perCpu(base))} / ${fmt(perCpu(batch))} (${(perCpu(batch) / perCpu(base)).toFixed(1)}×)`,
        `${split(base)} → ${split(batch)}`,
        `${Math.min(...all.map((t) => t.load)).toFixed(1)}–${Math.max(...all.map((t) => t.load)).toFixed(1)}; ${pct(median(all.map((t) => t.busy)))}`,
      ]);
    }
  }
  if (only !== 'throughput') {
    const slug = label.replace(/[^a-z]/gi, '').toLowerCase();
    const rows = MODES.includes('keep') ? 'keep' : 'delete';
    const cell = (l: Latency) =>
      `**${ms(l.p50)} / ${ms(l.p99)} ms** (max ${ms(l.max)}; ${fmt(l.received)}/${fmt(l.offered)}; producer lag p99 ${ms(l.producerLagP99)} ms)`;
    const batched = await latency(db, publisher, subscriber, `bench-${slug}-batched-${run}`, 100, rows);
    const row = [
      label,
      cell(batched),
      `${batched.cpuShare.toFixed(2)}`,
      `${batched.load.toFixed(1)}; ${pct(batched.busy)}`,
    ];
    if (LATENCY_SINGLE) {
      const single = await latency(db, publisher, subscriber, `bench-${slug}-single-${run}`, 1, rows);
      row.push(cell(single));
    }
    latencyRows.push(row);
  }
}

/**
 * BENCH_PIN=1: the servers on CPU 0 (every thread of every process in their trees) and this process on
 * CPU 1, with `taskset`, so the relay and the servers do not compete for one core's cache and run queue.
 */
function pin(servers: ServerPids): void {
  const tree = (root: number): number[] => {
    const kids = readFileSync(`/proc/${root}/task/${root}/children`, 'utf8').trim().split(/\s+/);
    return [root, ...kids.filter(Boolean).flatMap((k) => tree(Number(k)))];
  };
  for (const root of [servers.postgres, servers.nats])
    if (root) for (const pid of tree(root)) execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)]);
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
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
    if (process.env.BENCH_PIN === '1') pin(pids);
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
    `\nrelay throughput: ${ROUNDS} alternating rounds of ${fmt(BASELINE_EVENTS)} events one by one and ${fmt(BATCH_EVENTS)} batched, ${fmt(BATCH_SIZE)} per claim; medians, ratio of the medians (range of the per-round ratios).`,
  );
  console.log(
    `published rows: keep = marked published_at (retained), delete = deleted in the pass's transaction. CPU from /proc: events per CPU-second of relay + postgres + nats-server, and µs per event of each (independent of the load). load = 1-minute load average (min–max) on ${cpus().length} cores; busy = share of all cores busy (every process) during the runs.\n`,
  );
  console.log(
    '| outbox + bus | published rows | one awaited publish per event (events/s) | batched async publish (events/s) | ratio | events per CPU-s: one by one / batched | CPU µs per event relay / pg / nats: one by one → batched | load; busy |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of throughputRows) console.log(`| ${r.join(' | ')} |`);
}
if (latencyRows.length > 0) {
  console.log(
    `\nend-to-end latency (outbox append due time → consumer transaction committed) at ${fmt(RATE)} events/s offered on a fixed timeline for ${LATENCY_SECONDS} s after ${WARMUP_SECONDS} s of warm-up; consumer up to 100 events per transaction. CPU = CPU-seconds per second the bench process (producer, relay, consumer) used.\n`,
  );
  console.log(
    `| outbox + bus | p50 / p99 | CPU | load; busy |${LATENCY_SINGLE ? ' p50 / p99, consumer 1 event per transaction |' : ''}`,
  );
  console.log(`| --- | --- | --- | --- |${LATENCY_SINGLE ? ' --- |' : ''}`);
  for (const r of latencyRows) console.log(`| ${r.join(' | ')} |`);
}
process.exit(0);
