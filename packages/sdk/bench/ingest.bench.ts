// (a) Ingest over real loopback HTTP into the provider handlers: one request per event vs automatic
// batching (1000 events per request). Same client, server and validation in both runs.
import { performance } from 'node:perf_hooks';
import {
  createMemoryRfidBackend,
  createRfidClient,
  createRfidHandler,
  serveFetchHandler,
} from '../src/rfid/index.js';
import { benchEvent, perSecond } from './ingest-events.js';

export default async function ingestBench(): Promise<void> {
  const backend = createMemoryRfidBackend();
  const served = await serveFetchHandler(createRfidHandler({ backend }), { port: 0, host: '127.0.0.1' });
  try {
    const client = createRfidClient({ baseUrl: served.url });
    // warm up both paths
    await client.ingestEvents(Array.from({ length: 2000 }, (_, i) => benchEvent(1_000_000 + i)));
    for (let i = 0; i < 200; i++) await client.ingestBatch([benchEvent(2_000_000 + i)]);

    const single = 3000;
    let t = performance.now();
    for (let i = 0; i < single; i++) await client.ingestBatch([benchEvent(i)]);
    const singleMs = performance.now() - t;

    const batched = 100_000;
    const events = Array.from({ length: batched }, (_, i) => benchEvent(10_000_000 + i));
    t = performance.now();
    const r = await client.ingestEvents(events);
    const batchedMs = performance.now() - t;
    if (r.accepted !== batched) throw new Error(`expected ${batched} accepted, got ${r.accepted}`);

    const singleRate = single / singleMs;
    const batchedRate = batched / batchedMs;
    console.log(
      `one request per event : ${perSecond(single, singleMs)} events/s (${single} events, ${singleMs.toFixed(0)} ms)`,
    );
    console.log(
      `batched (1000/request): ${perSecond(batched, batchedMs)} events/s (${batched} events in ${r.idempotencyKeys.length} requests, ${batchedMs.toFixed(0)} ms)`,
    );
    console.log(`ratio                 : ${(batchedRate / singleRate).toFixed(1)}x (goal >= 20x)`);
  } finally {
    await served.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ingestBench();
