// Child process of faults.bench.ts: the RFID provider handlers over a file-backed backend, so what
// was stored survives the SIGKILLs. Each stored event is a line `station_id event_id` in events.log
// (fdatasync before the answer); duplicates and replayed batches are counted in counts.log.
import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemoryRfidBackend,
  createRfidHandler,
  type RfidBackend,
  serveFetchHandler,
} from '../src/rfid/index.js';

const [portArg, dataDir] = process.argv.slice(2) as [string, string];
const eventsPath = join(dataDir, 'events.log');
const countsPath = join(dataDir, 'counts.log');
const seen = new Set<string>();
try {
  for (const line of readFileSync(eventsPath, 'utf8').split('\n')) if (line) seen.add(line);
} catch {}
const eventsFd = openSync(eventsPath, 'a');
const countsFd = openSync(countsPath, 'a');

const memory = createMemoryRfidBackend();
const backend: RfidBackend = {
  ...memory,
  async ingest(events) {
    let lines = '';
    let duplicates = 0;
    for (const e of events) {
      const k = `${e.station_id} ${e.event_id}`;
      if (seen.has(k)) duplicates += 1;
      else {
        seen.add(k);
        lines += `${k}\n`;
      }
    }
    if (lines) {
      writeSync(eventsFd, lines);
      fdatasyncSync(eventsFd);
    }
    if (duplicates) writeSync(countsFd, `dup ${duplicates}\n`);
    return { accepted: events.length - duplicates, duplicates };
  },
};
const handler = createRfidHandler({ backend });
const served = await serveFetchHandler(
  async (request) => {
    const size = request.headers.get('idempotency-key')?.split(':')[1];
    const response = await handler(request);
    if (response.headers.get('idempotent-replayed')) writeSync(countsFd, `replay ${size ?? 0}\n`);
    return response;
  },
  { port: Number(portArg), host: '127.0.0.1' },
);
process.stdout.write(`listening ${served.url}\n`);
process.on('SIGTERM', async () => {
  await served.close();
  closeSync(eventsFd);
  closeSync(countsFd);
  process.exit(0);
});
