// Profiles one restart with N pending escalations (bench 4's state) on the memory store, so
// `engine.start()` can be looked at alone: `node --cpu-prof --import tsx bench/profile-recovery.ts`.
// NOTIFY_BENCH_PENDING (default 100,000) sets N; NOTIFY_BENCH_STATE_FILE caches the state made by the
// engine (making it takes far longer than the restart), so later runs reuse it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildEvent } from '@fieldops/contracts/events/v1';
import { createNotifyEngine } from '../src/engine.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import type { StoreWrite } from '../src/store/store.js';
import { manualTimers, pendingState, recoveryChannel, recoveryConfig } from './recovery.js';

const n = Number(process.env.NOTIFY_BENCH_PENDING ?? 100_000);
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
const store = new MemoryNotifyStore();
await store.write(docs);
const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}
const h0 = heap();
const c0 = process.cpuUsage();
const t0 = performance.now();
const engine = createNotifyEngine({
  config: recoveryConfig,
  store,
  clock: { now: () => Date.parse('2026-11-27T03:00:20Z') },
  timers: manualTimers(),
  channels: { whatsapp: recoveryChannel },
});
await engine.start();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const bytes = heap() - h0;
const pending = engine.inspect().incidents.filter((i) => i.status === 'open' && i.next_at !== undefined);
console.log(
  `${docs.length} documents, ${pending.length} pending escalations re-armed: engine.start() ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU${gc ? `, heap ${Math.round(bytes / n)} B per pending escalation` : ' (--expose-gc for the heap)'}`,
);
await engine.stop();
