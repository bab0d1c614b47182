// Benchmark 3 (issue 14 item 9): events/s through the whole engine on the memory store, on PGlite (a
// data directory on disk) and on a real PostgreSQL, with group commit (many ingests in flight: their
// writes share transactions) and without (each ingest awaited: one transaction per event), against the
// baseline of contract validation alone measured in the same process (bench/run.ts).
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Channel } from '../src/channels/channel.js';
import type { NotifyConfig } from '../src/config.js';
import { createNotifyEngine } from '../src/engine.js';
import type { NotifyStore } from '../src/store/store.js';
import { floorRate } from './floor.js';
import { benchStoreKinds } from './store-kinds.js';

/** How many ingests are in flight at once in the group-commit runs. */
const IN_FLIGHT = 1_000;

interface StoreRun {
  store: string;
  mode: 'group commit' | 'one transaction per event';
  events: number;
  ms: number;
  /** CPU time of this process (not of a Postgres server) during the run. */
  cpuMs: number;
  batches: number;
  /**
   * Validation alone, measured right before this run (the machine is shared: its speed drifts): events/s
   * of wall-clock time and per CPU-second.
   */
  baseline: { wall: number; cpu: number };
}

async function run(
  config: NotifyConfig,
  events: readonly CloudEvent[],
  store: NotifyStore,
  grouped: boolean,
): Promise<{ ms: number; cpuMs: number; batches: number }> {
  const channel: Channel = { kind: 'whatsapp', send: async () => ({ ok: true }) };
  const engine = createNotifyEngine({ config, channels: { whatsapp: channel }, store });
  await engine.start();
  const before = engine.inspect().writes.batches;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (grouped) {
    for (let i = 0; i < events.length; i += IN_FLIGHT)
      await Promise.all(events.slice(i, i + IN_FLIGHT).map((e) => engine.ingest(e)));
  } else for (const e of events) await engine.ingest(e);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const batches = engine.inspect().writes.batches - before;
  await engine.stop();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, batches };
}

/** Runs the store benchmark and prints events/s and the ratios. */
export async function benchStores(
  config: NotifyConfig,
  events: readonly CloudEvent[],
  baseline: () => { wall: number; cpu: number },
  sizes: { grouped: number; perEvent: number },
): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const runs: StoreRun[] = [];
  const { kinds, skipped } = benchStoreKinds();
  for (const kind of kinds) {
    for (const grouped of [true, false]) {
      const n = grouped ? sizes.grouped : sizes.perEvent;
      const { store, close } = await kind.open();
      const base = baseline();
      const r = await run(config, events.slice(0, n), store, grouped);
      await close();
      runs.push({
        store: kind.name,
        mode: grouped ? 'group commit' : 'one transaction per event',
        events: n,
        baseline: base,
        ...r,
      });
    }
  }
  console.log(
    '3.  whole engine on a store: ingest -> route -> group, each ingest answered once its writes are stored',
  );
  if (skipped) console.log(`    Postgres skipped: ${skipped}`);
  for (const r of runs) {
    const eps = (r.events / r.ms) * 1000;
    const cpuEps = (r.events / r.cpuMs) * 1000;
    const goal = r.store === 'memory' ? '100,000' : '25,000';
    console.log(
      `    ${r.store.padEnd(9)} ${r.mode.padEnd(26)} ${fmt(r.events).padStart(7)} events: ${fmt(eps).padStart(7)} events/s (${fmt(cpuEps)} per CPU-second of this process), ${fmt(r.batches)} transactions; vs validation alone (${fmt(r.baseline.wall)}/s, ${fmt(r.baseline.cpu)} per CPU-second) ${(eps / r.baseline.wall).toFixed(3)}× wall, ${(cpuEps / r.baseline.cpu).toFixed(3)}× CPU${r.mode === 'group commit' ? ` (goal ≥ ${goal}/s: ${eps >= (r.store === 'memory' ? 100_000 : 25_000) ? 'met' : 'NOT met'})` : ''}`,
    );
  }
  const eps = (r: StoreRun) => r.events / r.ms;
  const find = (store: string, grouped: boolean) =>
    runs.find((r) => r.store === store && (r.mode === 'group commit') === grouped);
  for (const kind of kinds) {
    const [g, p] = [find(kind.name, true)!, find(kind.name, false)!];
    console.log(
      `    ${kind.name}: group commit / one transaction per event = ${(eps(g) / eps(p)).toFixed(2)}×`,
    );
  }
  // Against memory only when it ran (NOTIFY_BENCH_STORES may leave it out).
  const mem = find('memory', true);
  for (const kind of mem ? kinds.filter((k) => k.name !== 'memory') : []) {
    console.log(
      `    ${kind.name} / memory (group commit): ${(eps(find(kind.name, true)!) / eps(mem!)).toFixed(2)}×`,
    );
  }
  if (mem) {
    // The floor is measured after the runs, on the same events: what no engine can pass (bench/floor.ts).
    const floor = floorRate(events.slice(0, mem.events));
    const memEps = eps(mem) * 1000;
    console.log(
      `    floor (validate, map, fingerprint, keep, remember the key, group, copy as JSON; no engine): ${fmt(floor)} events/s; memory (group commit) at ${(memEps / floor).toFixed(2)}× of it; the 100,000/s goal is ${(100_000 / floor).toFixed(2)}× of it`,
    );
  }
  console.log('');
}
