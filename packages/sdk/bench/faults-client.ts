// Child process of faults.bench.ts: a station. Reads tags at a steady rate into its durable spool
// and forwards the spool to the backend; resumes after a SIGKILL from what the spool holds.

import type { rfid } from '@fieldops/contracts';
import { createRfidClient, createSpoolForwarder, openSpool } from '../src/rfid/index.js';
import { benchEvent } from './ingest-events.js';

const [baseUrl, spoolDir, totalArg, rateArg] = process.argv.slice(2) as [string, string, string, string];
const total = Number(totalArg);
const perTick = Math.max(1, Math.round(Number(rateArg) / 100)); // events per 10 ms
const spool = await openSpool<rfid.RfidEvent>({ dir: spoolDir });
const last = await spool.lastRecord();
let next = last ? (last.seq ?? 0) + 1 : 0;
process.stdout.write(`resume ${next}\n`);

const client = createRfidClient({
  baseUrl,
  timeoutMs: 5000,
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 500 },
});
const forwarder = createSpoolForwarder({
  spool,
  send: (events) => client.ingestBatch(events),
  maxBatch: 1000,
  idleMs: 10,
  backoffMs: 50,
  maxBackoffMs: 500,
});
forwarder.start();

let lastReport = 0;
while (next < total) {
  const n = Math.min(perTick, total - next);
  await spool.appendMany(Array.from({ length: n }, (_, i) => benchEvent(next + i, 'stn_benchfaults01')));
  next += n;
  if (next - lastReport >= 1000 || next === total) {
    process.stdout.write(`produced ${next}\n`);
    lastReport = next;
  }
  await new Promise((r) => setTimeout(r, 10));
}
while (spool.stats().pendingBytes > 0) await forwarder.drained();
await forwarder.stop();
await spool.close();
process.stdout.write(`done ${forwarder.stats.failures}\n`);
