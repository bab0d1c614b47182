// Child process of spool.test.ts: appends numbered records to a spool forever, 8 appends in
// flight, printing `ack N` once record N is durable. The test SIGKILLs it at a random moment.
import { openSpool } from '../../src/rfid/spool/spool.js';

const dir = process.argv[2]!;
const spool = await openSpool<{ n: number; pad: string }>({ dir, segmentBytes: 16 * 1024 });
const last = await spool.lastRecord();
let next = last ? last.n + 1 : 0;
process.stdout.write(`start ${next}\n`);
const pad = 'x'.repeat(100);
const inFlight = new Set<Promise<void>>();
for (;;) {
  const n = next++;
  const p = spool.append({ n, pad }).then(() => {
    process.stdout.write(`ack ${n}\n`);
    inFlight.delete(p);
  });
  inFlight.add(p);
  if (inFlight.size >= 8) await Promise.race(inFlight);
}
