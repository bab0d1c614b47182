// Profiles one restart with N pending escalations (bench 4's state) so `engine.start()` can be looked
// at alone: `node --expose-gc [--cpu-prof] --import tsx bench/profile-recovery.ts`.
// NOTIFY_BENCH_PENDING (default 100,000) sets N; NOTIFY_BENCH_STATE_FILE caches the state made by the
// engine (making it takes far longer than the restart), so later runs reuse it. NOTIFY_BENCH_STORES
// picks the stores (default memory; e.g. `memory,PGlite,Postgres`); NOTIFY_BENCH_RUNS restarts on each
// store that many times (default 1), the same documents each time. NOTIFY_BENCH_CPU_PROFILE=<dir>
// writes a .cpuprofile of each `engine.start()` alone (not of making or writing the state) there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { buildEvent } from '@fieldops/contracts/events/v1';
import { createNotifyEngine, type NotifyEngine } from '../src/engine.js';
import type { StoreWrite } from '../src/store/store.js';
import { manualTimers, pendingState, recoveryChannel, recoveryConfig } from './recovery.js';
import { benchStoreKinds, stopBenchPostgres } from './store-kinds.js';

process.env.NOTIFY_BENCH_STORES ??= 'memory';
const n = Number(process.env.NOTIFY_BENCH_PENDING ?? 100_000);
const runs = Number(process.env.NOTIFY_BENCH_RUNS ?? 1);
const file = process.env.NOTIFY_BENCH_STATE_FILE;
const hex = (i: number) => i.toString(16).padStart(16, '0');
const site = (i: number) => `site_${(i % 500).toString(36).padStart(6, '0')}`;

let docs: StoreWrite[];
if (file && existsSync(file)) docs = JSON.parse(readFileSync(file, 'utf8')) as StoreWrite[];
else {
  const events = Array.from({ length: n }, (_, i) =>
    buildEvent(
      'io.fieldops.chirpstack.gateway.offline.v1',
      {
        gateway_eui: hex(i),
        site_id: site(i) as never,
        state: 'offline',
        previous_state: 'online',
        last_seen_at: '2026-11-27T02:55:00Z',
      },
      { source: `/sites/${site(i)}/chirpstack`, id: `evt-${i}`, time: '2026-11-27T03:00:00Z' },
    ),
  );
  docs = await pendingState(events);
  if (file) writeFileSync(file, JSON.stringify(docs));
}
const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}
const profileDir = process.env.NOTIFY_BENCH_CPU_PROFILE;
const inspector = profileDir ? new Session() : undefined;
inspector?.connect();
const load = () => os.loadavg()[0]!.toFixed(1);
const { kinds, skipped } = benchStoreKinds();
if (skipped && process.env.NOTIFY_BENCH_STORES.toLowerCase().includes('postgres'))
  console.log(`Postgres skipped: ${skipped}`);
try {
  for (const kind of kinds) {
    const { store, close } = await kind.open();
    for (let i = 0; i < docs.length; i += 10_000) await store.write(docs.slice(i, i + 10_000));
    for (let run = 1; run <= runs; run++) {
      const h0 = heap();
      const l0 = load();
      const c0 = process.cpuUsage();
      if (inspector) {
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
      }
      const t0 = performance.now();
      let engine: NotifyEngine | undefined = createNotifyEngine({
        config: recoveryConfig,
        store,
        clock: { now: () => Date.parse('2026-11-27T03:00:20Z') },
        timers: manualTimers(),
        channels: { whatsapp: recoveryChannel },
      });
      await engine.start();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      if (inspector && profileDir) {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(path.join(profileDir, `start-${kind.name}-${run}.cpuprofile`), JSON.stringify(profile));
      }
      const bytes = heap() - h0;
      const pending = engine
        .inspect()
        .incidents.filter((i) => i.status === 'open' && i.next_at !== undefined).length;
      await engine.stop();
      engine = undefined;
      console.log(
        `${kind.name}: ${docs.length} documents, ${pending} pending escalations re-armed: engine.start() ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU in this process${gc ? `, heap ${Math.round(bytes / n)} B per pending escalation` : ' (--expose-gc for the heap)'}; load ${l0} before, ${load()} after`,
      );
    }
    await close();
  }
} finally {
  await stopBenchPostgres();
}
