// The store's batch statement alone (no engine): documents shaped like the engine's alert documents
// (about 470 B of JSON, quotes included), written in batches of 1,500 as group commit writes them, on
// each store of `benchStoreKinds()`; rows/s of wall time, each against the first store of the run (the
// memory store, a copy into a map), and the CPU of this process per wall second.
// What the durable stores cost per document, apart from the engine (decision 0055).
// Run: `pnpm --filter @fieldops/notify bench:store` (NOTIFY_BENCH_STORES, e.g. `PGlite`; NOTIFY_BENCH_BATCHES,
// default 100).

import type { StoreWrite } from '../src/store/store.js';
import { benchStoreKinds, stopBenchPostgres } from './store-kinds.js';

const BATCH = 1_500;
const BATCHES = Number(process.env.NOTIFY_BENCH_BATCHES ?? 100);

/** An alert-like document: labels, annotations with quotes, times, its event key. */
function doc(i: number): string {
  return JSON.stringify({
    fingerprint: `fp-${i.toString(16).padStart(16, '0')}`,
    labels: { alertname: 'GatewayOffline', site: `site-${i % 50}`, gateway: `gw-${i}`, severity: 'critical' },
    annotations: { summary: `Gateway gw-${i} offline since 2026-12-02T10:00:00Z, last "uplink" 14 min ago` },
    startsAt: '2026-12-02T10:00:00.000Z',
    endsAt: null,
    status: 'firing',
    eventKey: `chirpstack-monitor\u0000ev-${i}`,
    generatorURL: `https://site-${i % 50}.example/chirpstack/gateways/${i}`,
    runbook: 'https://kb.example/runbooks/gateway-offline',
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const batches: StoreWrite[][] = Array.from({ length: BATCHES }, (_, b) =>
  Array.from({ length: BATCH }, (_, j) => ({
    collection: 'alerts',
    key: `k-${b * BATCH + j}`,
    value: doc(b * BATCH + j),
  })),
);
const { kinds, skipped } = benchStoreKinds();
/** The first store's rate (memory, unless NOTIFY_BENCH_STORES leaves it out): the others' baseline. */
let baseline: { name: string; rate: number } | undefined;
for (const kind of kinds) {
  const { store, close } = await kind.open();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches) await store.write(batch);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await close();
  const rate = (BATCH * BATCHES * 1000) / ms;
  baseline ??= { name: kind.name, rate };
  const ratio =
    baseline.name === kind.name ? '' : `, ${(rate / baseline.rate).toFixed(3)}× of ${baseline.name}`;
  console.log(
    `${kind.name.padEnd(9)} ${fmt(BATCH * BATCHES)} documents in batches of ${fmt(BATCH)}: ${fmt(rate)} rows/s${ratio}, this process busy ${((cpu.user + cpu.system) / 1000 / ms).toFixed(2)} cores`,
  );
}
if (skipped) console.log(`Postgres: skipped (${skipped})`);
await stopBenchPostgres();
