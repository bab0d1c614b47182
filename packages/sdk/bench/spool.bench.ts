// (b) Durable appends: group commit vs one fdatasync per event. Both runs have 64 producers
// appending concurrently and every append resolves only once its record is on disk.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSpool } from '../src/rfid/index.js';
import { benchEvent, perSecond } from './ingest-events.js';

async function run(groupCommit: boolean, total: number, producers = 64) {
  const dir = await mkdtemp(join(tmpdir(), 'fieldops-spool-bench-'));
  const spool = await openSpool({ dir, groupCommit });
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < total) await spool.append(benchEvent(next++));
    }),
  );
  const ms = performance.now() - t;
  const { syncs } = spool.stats();
  await spool.close();
  await rm(dir, { recursive: true, force: true });
  return { ms, syncs, rate: total / ms };
}

export default async function spoolBench(): Promise<void> {
  await run(true, 2000); // warm up
  const perEvent = await run(false, 3000);
  const grouped = await run(true, 100_000);
  console.log(
    `fsync per event : ${perSecond(3000, perEvent.ms)} events/s (3000 events, ${perEvent.syncs} syncs)`,
  );
  console.log(
    `group commit    : ${perSecond(100_000, grouped.ms)} events/s (100000 events, ${grouped.syncs} syncs)`,
  );
  console.log(`ratio           : ${(grouped.rate / perEvent.rate).toFixed(1)}x`);
}

if (import.meta.url === `file://${process.argv[1]}`) await spoolBench();
