// Benchmarks for @fieldops/notify (not tests: figures are printed, not asserted).
//   1. 100,000 pending escalations on the scheduler vs 100,000 setTimeouts: heap per pending wait.
//   2. 100,000 events through route + group + dedup in memory: events/s and heap growth, for the
//      bare stages and for the whole engine (contract validation, store writes), against a baseline
//      of contract validation alone measured in the same process.
//   3. the whole engine on the memory store, on PGlite and on Postgres, with group commit and with one
//      transaction per event (bench/stores.ts).
//   4. restart recovery with 100,000 pending escalations on each store, and heap per pending
//      escalation (bench/recovery.ts).
// Run with `pnpm bench` (node --expose-gc so heap figures are taken after a full collection). Sizes for
// a quick run: NOTIFY_BENCH_EVENTS (sections 1-3, default 100,000), NOTIFY_BENCH_PENDING (section 4,
// default 100,000), NOTIFY_BENCH_STORE_EVENTS_PER_TX (section 3 without group commit, default 2,000).
import os from 'node:os';
import { EventSchemas } from '@fieldops/contracts/events/v1';
import type { Channel } from '../src/channels/channel.js';
import { normalizeConfig } from '../src/config.js';
import { createNotifyEngine } from '../src/engine.js';
import { fingerprintOf } from '../src/fingerprint.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { CHIRPSTACK_SOURCES } from '../src/sources/chirpstack.js';
import { DedupStage } from '../src/stages/dedup.js';
import { GroupStage } from '../src/stages/group.js';
import { RouteTree } from '../src/stages/route.js';
import type { TimerApi } from '../src/types.js';
import { benchConfig, gatewayOfflineEvents } from './fixtures.js';

const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const N = size('NOTIFY_BENCH_EVENTS', 100_000);
const PENDING = size('NOTIFY_BENCH_PENDING', 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

const allEvents = gatewayOfflineEvents(Math.max(N, PENDING));
const config = benchConfig;

console.log('@fieldops/notify benchmarks');
console.log(
  `node ${process.version}, gc exposed: ${gc ? 'yes' : 'no (heap figures are noisy)'}, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`,
);

const events = allEvents.slice(0, N);

// ---- 2. pending escalations: one scheduler vs one setTimeout each ------------------------------
{
  const keys = Array.from({ length: N }, (_, i) => `e:inc_${i.toString(36).padStart(8, '0')}`);
  const start = Date.now();
  const delays = keys.map((_, i) => 600_000 + (i % 3600) * 1000);

  let fired = 0;
  const h0 = heap();
  const t0 = performance.now();
  const sched = new Scheduler({ onDue: () => fired++ });
  sched.resume();
  for (let i = 0; i < N; i++) sched.schedule(keys[i]!, start + delays[i]!);
  const tSched = performance.now() - t0;
  const schedBytes = heap() - h0;

  const h1 = heap();
  const t1 = performance.now();
  const handles: ReturnType<typeof setTimeout>[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const key = keys[i]!;
    handles[i] = setTimeout(() => {
      fired += key.length;
    }, delays[i]);
  }
  const tTimeouts = performance.now() - t1;
  const timeoutBytes = heap() - h1;
  for (const h of handles) clearTimeout(h);
  sched.stop();

  console.log(`1.  ${fmt(N)} pending escalations (measured first, on a clean heap)`);
  console.log(
    `    scheduler (binary heap, 1 timer): ${mb(schedBytes)} (${Math.round(schedBytes / N)} B each), scheduled in ${tSched.toFixed(0)} ms`,
  );
  console.log(
    `    setTimeout per escalation:        ${mb(timeoutBytes)} (${Math.round(timeoutBytes / N)} B each), scheduled in ${tTimeouts.toFixed(0)} ms`,
  );
  console.log(`    memory ratio setTimeout / scheduler: ${(timeoutBytes / schedBytes).toFixed(2)}×\n`);
  void fired;
}

// ---- baseline: contract validation alone -----------------------------------------------------
// Every timed section runs ROUNDS times and the best round is reported: on a shared machine the
// slower rounds measure the neighbours, not the code.
const ROUNDS = 3;
function best(fn: () => number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) min = Math.min(min, fn());
  return min;
}
const schema = EventSchemas['io.fieldops.chirpstack.gateway.offline.v1'];
const validationAlone = (rounds = ROUNDS) => {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) schema.safeParse(events[i]);
    min = Math.min(min, performance.now() - t0);
  }
  return rate(N, min);
};
const baseline = validationAlone();
/** Validation alone for section 3: events/s of wall-clock time and per CPU-second, best of `rounds`. */
const validationRates = (rounds: number) => {
  let best = { wall: 0, cpu: 0 };
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) schema.safeParse(events[i]);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (rate(N, ms) > best.wall) best = { wall: rate(N, ms), cpu: rate(N, (c.user + c.system) / 1000) };
  }
  return best;
};

// ---- 1a. bare stages: adapter + route + group + dedup ------------------------------------------
{
  const norm = normalizeConfig(config);
  const tree = new RouteTree(norm.root);
  const adapter = CHIRPSTACK_SOURCES['io.fieldops.chirpstack.gateway.offline.v1']!;
  let groups = new GroupStage();
  let dedup = new DedupStage();
  let notify = 0;
  const pass = () => {
    groups = new GroupStage();
    dedup = new DedupStage();
    notify = 0;
    const t0 = performance.now();
    for (const e of events) {
      const d = adapter(e)!;
      const fp = fingerprintOf(d.labels);
      const labels = { ...d.labels, severity: d.severity };
      for (const route of tree.match(labels)) groups.insert(route, labels, fp, 0);
    }
    // One flush of every group through the notification log.
    for (const g of groups.all()) {
      const firing = g.fingerprints.slice().sort();
      if (dedup.needsUpdate(g.receiver, g.key, firing, [], true, 4 * 3_600_000, 30_000)) {
        dedup.record({ receiver: g.receiver, group_key: g.key, firing, resolved: [], at: 30_000 });
        notify++;
      }
    }
    return performance.now() - t0;
  };
  const ms = best(pass);
  groups = new GroupStage();
  dedup = new DedupStage();
  const h0 = heap();
  pass();
  const grown = heap() - h0;
  const eps = rate(N, ms);
  console.log(`2a. route + group + dedup (stages, in memory; best of ${ROUNDS})`);
  console.log(
    `    ${fmt(N)} events in ${ms.toFixed(0)} ms = ${fmt(eps)} events/s (goal ≥ 100,000/s: ${eps >= 100_000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `    ${fmt(groups.size)} groups, ${fmt(notify)} notifications; heap growth ${mb(grown)} (${Math.round(grown / N)} B/event)`,
  );
  console.log(
    `    vs baseline (zod validation alone, ${fmt(baseline)} events/s): ${(eps / baseline).toFixed(2)}×\n`,
  );
}

// ---- 1b. the whole engine: ingest (validated) -> route -> group -> flush -> dedup --------------
async function engineRun(validate: boolean, batch: number) {
  let now = Date.parse('2026-11-27T03:00:00Z');
  let armed: (() => void) | undefined;
  const timers: TimerApi = {
    setTimeout: (fn) => {
      armed = fn;
      return 1;
    },
    clearTimeout: () => {
      armed = undefined;
    },
  };
  let sent = 0;
  const channel: Channel = {
    kind: 'whatsapp',
    async send() {
      sent++;
      return { ok: true };
    },
  };
  const { MemoryNotifyStore } = await import('../src/store/memory-store.js');
  const engine = createNotifyEngine({
    config,
    clock: { now: () => now },
    timers,
    channels: { whatsapp: channel },
    store: new MemoryNotifyStore({ copy: false }),
    validate,
  });
  await engine.start();
  const h0 = heap();
  const t0 = performance.now();
  if (batch <= 1) for (const e of events) await engine.ingest(e);
  else for (let i = 0; i < N; i += batch) await engine.ingestBatch(events.slice(i, i + batch));
  const tIngest = performance.now() - t0;
  now += 30_000;
  armed?.();
  await engine.settle();
  const ms = performance.now() - t0;
  const grown = heap() - h0;
  await engine.stop();
  return { ms, tIngest, grown, sent, groups: engine.inspect().groups.length };
}
for (const [validate, batch] of [
  [true, 1],
  [true, 1000],
  [false, 1000],
] as const) {
  const r = await engineRun(validate, batch);
  console.log(
    `2b. whole engine: ${batch > 1 ? `ingestBatch(${batch})` : 'ingest() one by one'}, contract validation ${validate ? 'on' : 'off'} (memory store, one flush of every group)`,
  );
  console.log(
    `    ${fmt(N)} events in ${r.ms.toFixed(0)} ms = ${fmt(rate(N, r.ms))} events/s (ingest alone ${fmt(rate(N, r.tIngest))}/s, then the flush of every group ${(r.ms - r.tIngest).toFixed(0)} ms); ${fmt(r.groups)} groups, ${fmt(r.sent)} messages`,
  );
  console.log(
    `    heap growth ${mb(r.grown)} (${Math.round(r.grown / N)} B/event, alerts + groups + event keys + log)`,
  );
  console.log(`    vs baseline (validation alone): ${(rate(N, r.ms) / baseline).toFixed(2)}×\n`);
}

// Sections 3 and 4 share one Postgres server, stopped whatever happens (a failed section too).
const { stopBenchPostgres } = await import('./store-kinds.js');
try {
  // ---- 3. the engine on a store: memory vs PGlite, group commit vs one transaction per event ------
  const { benchStores } = await import('./stores.js');
  await benchStores(config, events, () => validationRates(2), {
    grouped: N,
    perEvent: Math.min(N, size('NOTIFY_BENCH_STORE_EVENTS_PER_TX', 2_000)),
  });

  // ---- 4. restart recovery with pending escalations, heap per pending escalation ------------------
  const { benchRecovery } = await import('./recovery.js');
  if (PENDING > 0) await benchRecovery(allEvents.slice(0, PENDING), heap);
  else console.log('4.  restart recovery: skipped (NOTIFY_BENCH_PENDING=0)');
} finally {
  await stopBenchPostgres();
}
