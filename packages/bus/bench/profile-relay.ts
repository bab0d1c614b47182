// Relay profile: `node --cpu-prof --import tsx bench/profile-relay.ts` drains N events (batched) through a
// local Postgres + NATS and prints wall time, CPU per 1,000 events per process and time per SQL phase.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { type BusEvent, createOutbox, createRelay, migrate, type SqlDatabase } from '../src/index.js';
import { createJetStreamBus } from '../src/nats.js';
import { createPgDatabase } from '../src/pg.js';
import { startNats, startPostgres } from '../src/testing.js';
import { load1, selfCpuSeconds, treeCpuSeconds } from './cpu.js';

const N = Number(process.env.BENCH_EVENTS ?? 40_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const postgres = await startPostgres();
const nats = await startNats();
const admin = new pg.Client({ connectionString: postgres.url });
await admin.connect();
await admin.query('CREATE DATABASE bench');
await admin.end();
const raw = await createPgDatabase({
  connectionString: postgres.url.replace(/\/postgres$/, '/bench'),
  max: 4,
});
await migrate(raw);
// Time per statement kind, summed over the run.
const phases = new Map<string, number>();
const kind = (text: string) =>
  text.includes('SKIP LOCKED') ? 'claim' : text.startsWith('UPDATE') ? 'mark' : (text.split(' ')[0] ?? '?');
const db: SqlDatabase = {
  ...raw,
  transaction: (fn) =>
    raw.transaction((tx) =>
      fn({
        async query(text, params) {
          const t0 = performance.now();
          try {
            return await tx.query(text, params);
          } finally {
            const k = kind(text);
            phases.set(k, (phases.get(k) ?? 0) + performance.now() - t0);
          }
        },
      }),
    ),
};
const bus = await createJetStreamBus({ servers: nats.url });
let seq = 0;
const tick = (): BusEvent => ({
  specversion: '1.0',
  id: `p-${++seq}`,
  source: '/bench',
  type: 'com.fieldops.bench.tick.v1',
  data: { t: Date.now(), n: seq },
});
for (let round = 0; round < ROUNDS; round++) {
  await raw.query('TRUNCATE fieldops_bus.outbox');
  const outbox = createOutbox({ db: raw });
  for (let i = 0; i < N; i += 1_000) await outbox.append(Array.from({ length: 1_000 }, tick));
  phases.clear();
  const relay = createRelay({
    db,
    publisher: bus.publisher,
    batchSize: BATCH,
    ...(process.env.PASSES ? { passesInFlight: Number(process.env.PASSES) } : {}),
    ...(process.env.PUBLISHED === 'delete' ? { publishedRows: 'delete' as const } : {}),
  });
  const l0 = load1();
  const c0 = [selfCpuSeconds(), treeCpuSeconds([postgres.pid() ?? 0]), treeCpuSeconds([nats.pid() ?? 0])];
  // PROFILE=<file>: a CPU profile of the drain only (not the appends), for chrome://inspect or speedscope.
  const session = process.env.PROFILE ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t0 = performance.now();
  const r = await relay.drain();
  const s = (performance.now() - t0) / 1000;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${process.env.PROFILE}.${round}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  const c1 = [selfCpuSeconds(), treeCpuSeconds([postgres.pid() ?? 0]), treeCpuSeconds([nats.pid() ?? 0])];
  const used = c1.map((c, i) => c - (c0[i] as number));
  const total = used.reduce((a, b) => a + b, 0);
  console.log(
    `round ${round}: ${r.published}/${N} in ${s.toFixed(2)} s = ${Math.round(N / s)} ev/s, ${Math.round(N / total)} ev/CPU-s; CPU-ms per 1k relay/pg/nats ${used.map((u) => ((u / N) * 1e6).toFixed(0)).join('/')}; load ${l0}→${load1()}; SQL ms ${[...phases].map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`,
  );
}
await bus.close();
await raw.close();
await nats.stop();
await postgres.stop();
process.exit(0);
