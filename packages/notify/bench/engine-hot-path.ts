// The engine's hot path (issue 14 item 9): events/s through the whole engine on the default memory
// store (`new MemoryNotifyStore()`: documents copied as JSON, as a real store would), real timers, each
// ingest answered once its writes are stored, against contract validation alone measured in the same
// process. Three ways a source feeds it: awaited one by one, many in flight, in batches.
// Run: `pnpm --filter @fieldops/notify bench:engine` (NOTIFY_BENCH_EVENTS, default 100,000; NOTIFY_BENCH_ROUNDS,
// default 1; NOTIFY_BENCH_MODES, e.g. `2`). For a profile: `node --cpu-prof --import tsx bench/engine-hot-path.ts`.
import os from 'node:os';
import { EventSchemas } from '@fieldops/contracts/events/v1';
import type { Channel } from '../src/channels/channel.js';
import { createNotifyEngine } from '../src/engine.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import { benchConfig, gatewayOfflineEvents } from './fixtures.js';
import { floorRate } from './floor.js';

const N = Number(process.env.NOTIFY_BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.NOTIFY_BENCH_ROUNDS ?? 1);
/** How many ingests are in flight at once (a bus consumer or an HTTP server with many requests). */
const IN_FLIGHT = 1_000;

const events = gatewayOfflineEvents(N);
const config = benchConfig;

type Mode = 'one by one' | 'in flight' | 'ingestBatch';

async function once(mode: Mode): Promise<{ ms: number; cpuMs: number }> {
  const channel: Channel = { kind: 'whatsapp', send: async () => ({ ok: true }) };
  const engine = createNotifyEngine({
    config,
    channels: { whatsapp: channel },
    store: new MemoryNotifyStore(),
  });
  await engine.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (mode === 'one by one') for (const e of events) await engine.ingest(e);
  else if (mode === 'ingestBatch') {
    for (let i = 0; i < N; i += IN_FLIGHT) await engine.ingestBatch(events.slice(i, i + IN_FLIGHT));
  } else {
    for (let i = 0; i < N; i += IN_FLIGHT)
      await Promise.all(events.slice(i, i + IN_FLIGHT).map((e) => engine.ingest(e)));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await engine.stop();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Validation alone (the baseline), best of 3, wall and CPU time. */
function validationAlone(): { ms: number; cpuMs: number } {
  const schema = EventSchemas['io.fieldops.chirpstack.gateway.offline.v1'];
  let best = { ms: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let r = 0; r < 3; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const e of events) schema.safeParse(e);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (ms < best.ms) best = { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  }
  return best;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `notify engine hot path: ${fmt(N)} events, memory store; node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
);
const base = validationAlone();
const baseEps = (N / base.ms) * 1000;
console.log(
  `  validation alone             ${fmt(baseEps).padStart(8)} events/s (CPU ${fmt((N / base.cpuMs) * 1000)}/s)`,
);
const floor = floorRate(events);
console.log(
  `  floor (the work itself, no engine) ${fmt(floor).padStart(8)} events/s (bench/floor.ts); vs validation ${(floor / baseEps).toFixed(3)}×`,
);
const MODES: readonly Mode[] = ['one by one', 'in flight', 'ingestBatch'];
/** NOTIFY_BENCH_MODES picks modes by number (1 one by one, 2 in flight, 3 ingestBatch), e.g. `2` to profile one. */
const picked = process.env.NOTIFY_BENCH_MODES?.split(',').map((m) => MODES[Number(m) - 1]);
for (const mode of MODES.filter((m) => !picked || picked.includes(m))) {
  let r = { ms: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < ROUNDS; i++) {
    const x = await once(mode);
    if (x.ms < r.ms) r = x;
  }
  const eps = (N / r.ms) * 1000;
  const label =
    mode === 'one by one'
      ? 'ingest() awaited one by one'
      : mode === 'in flight'
        ? `${IN_FLIGHT} ingest() in flight`
        : `ingestBatch(${IN_FLIGHT})`;
  console.log(
    `  ${label.padEnd(28)} ${fmt(eps).padStart(8)} events/s (goal ≥ 100,000/s: ${eps >= 100_000 ? 'met' : 'NOT met'}); vs validation ${(eps / baseEps).toFixed(3)}× wall, ${(base.cpuMs / r.cpuMs).toFixed(3)}× CPU; vs floor ${(eps / floor).toFixed(2)}×`,
  );
}
