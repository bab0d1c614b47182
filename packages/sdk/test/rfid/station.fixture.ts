// Child process of crash.test.ts: a station that spools `total` tag reads at a steady pace and
// forwards them; prints `produced N` as it goes and `done` when everything was delivered.
import type { rfid } from '@fieldops/contracts';
import { createRfidClient, createSpoolForwarder, openSpool } from '../../src/rfid/index.js';
import { tagRead } from './fixtures.js';

const [baseUrl, dir, totalArg] = process.argv.slice(2) as [string, string, string];
const total = Number(totalArg);
const spool = await openSpool<rfid.RfidEvent>({ dir });
const last = await spool.lastRecord();
let next = last ? (last.seq ?? 0) + 1 : 0;
const client = createRfidClient({ baseUrl, retry: { maxAttempts: 2, baseDelayMs: 10 } });
const forwarder = createSpoolForwarder({
  spool,
  send: (e) => client.ingestBatch(e),
  maxBatch: 50,
  idleMs: 5,
});
forwarder.start();
while (next < total) {
  const n = Math.min(20, total - next);
  await spool.appendMany(Array.from({ length: n }, (_, i) => tagRead(next + i)));
  next += n;
  process.stdout.write(`produced ${next}\n`);
  await new Promise((r) => setTimeout(r, 5));
}
while (spool.stats().pendingBytes > 0) await forwarder.drained();
await forwarder.stop();
await spool.close();
process.stdout.write('done\n');
