// Benchmark 3 (issue 14 item 9): events/s through the whole engine on the memory store and on PGlite
// (a data directory on disk), with group commit (many ingests in flight: their writes share
// transactions) and without (each ingest awaited: one transaction per event), against the baseline
// of contract validation alone measured in the same process (bench/run.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Channel } from '../src/channels/channel.js';
import type { NotifyConfig } from '../src/config.js';
import { createNotifyEngine } from '../src/engine.js';
import { createPgliteNotifyStore } from '../src/pglite.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import type { NotifyStore } from '../src/store/store.js';

/** How many ingests are in flight at once in the group-commit runs. */
const IN_FLIGHT = 1_000;

interface StoreRun {
  store: string;
  mode: 'group commit' | 'one transaction per event';
  events: number;
  ms: number;
  batches: number;
}

async function run(
  config: NotifyConfig,
  events: readonly CloudEvent[],
  store: NotifyStore,
  grouped: boolean,
): Promise<{ ms: number; batches: number }> {
  const channel: Channel = { kind: 'whatsapp', send: async () => ({ ok: true }) };
  const engine = createNotifyEngine({ config, channels: { whatsapp: channel }, store });
  await engine.start();
  const before = engine.inspect().writes.batches;
  const t0 = performance.now();
  if (grouped) {
    for (let i = 0; i < events.length; i += IN_FLIGHT)
      await Promise.all(events.slice(i, i + IN_FLIGHT).map((e) => engine.ingest(e)));
  } else for (const e of events) await engine.ingest(e);
  const ms = performance.now() - t0;
  const batches = engine.inspect().writes.batches - before;
  await engine.stop();
  return { ms, batches };
}

/** Runs the store benchmark and prints events/s and the ratios. */
export async function benchStores(
  config: NotifyConfig,
  events: readonly CloudEvent[],
  baseline: number,
  sizes: { grouped: number; perEvent: number },
): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const runs: StoreRun[] = [];
  const kinds: { name: string; open: () => Promise<{ store: NotifyStore; close: () => Promise<void> }> }[] = [
    {
      name: 'memory',
      open: async () => ({ store: new MemoryNotifyStore(), close: async () => {} }),
    },
    {
      name: 'PGlite (data directory)',
      open: async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'notify-bench-'));
        const store = await createPgliteNotifyStore({ dataDir: dir });
        return {
          store,
          close: async () => {
            await store.close?.();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  for (const kind of kinds) {
    for (const grouped of [true, false]) {
      const n = grouped ? sizes.grouped : sizes.perEvent;
      const { store, close } = await kind.open();
      const r = await run(config, events.slice(0, n), store, grouped);
      await close();
      runs.push({
        store: kind.name,
        mode: grouped ? 'group commit' : 'one transaction per event',
        events: n,
        ...r,
      });
    }
  }
  console.log(
    '3.  whole engine on a store: ingest -> route -> group, each ingest answered once its writes are stored',
  );
  for (const r of runs) {
    const eps = (r.events / r.ms) * 1000;
    console.log(
      `    ${r.store.padEnd(24)} ${r.mode.padEnd(26)} ${fmt(r.events).padStart(7)} events: ${fmt(eps).padStart(7)} events/s, ${fmt(r.batches)} transactions; vs baseline ${(eps / baseline).toFixed(3)}×`,
    );
  }
  for (const name of new Set(runs.map((r) => r.store))) {
    const [g, p] = [
      runs.find((r) => r.store === name && r.mode === 'group commit')!,
      runs.find((r) => r.store === name && r.mode !== 'group commit')!,
    ];
    console.log(
      `    ${name}: group commit / one transaction per event = ${(g.events / g.ms / (p.events / p.ms)).toFixed(2)}×`,
    );
  }
  const mem = runs.find((r) => r.store === 'memory' && r.mode === 'group commit')!;
  const pgl = runs.find((r) => r.store !== 'memory' && r.mode === 'group commit')!;
  console.log(
    `    PGlite / memory (group commit): ${(pgl.events / pgl.ms / (mem.events / mem.ms)).toFixed(2)}×\n`,
  );
}
