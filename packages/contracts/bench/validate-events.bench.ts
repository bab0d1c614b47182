// `pnpm bench` (contracts): validate a batch of 10,000 RFID events with the zod schema and with ajv
// compiled from the generated JSON Schema, in one process. Prints events/s of each and the ratio.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { getJsonSchema, parseContract } from '../src/index.js';
import { EventBatch, MAX_EVENTS_PER_BATCH } from '../src/rfid/v1.js';

const EVENTS = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

function makeEvents(n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const base = {
      event_id: `evt-${String(i).padStart(10, '0')}`,
      station_id: `stn_01jd8y3k2m0000000000000${(i % 8) + 1}`,
      occurred_at: new Date(Date.UTC(2026, 10, 27, 10, 0, 0, i)).toISOString(),
      seq: i,
    };
    if (i % 50 === 0) out.push({ ...base, type: 'heartbeat', uptime_s: i, queue_depth: 3 });
    else
      out.push({
        ...base,
        type: 'tag_read',
        epc: `E2801160600002${String(i).padStart(10, '0')}`,
        antenna: (i % 4) + 1,
        rssi_dbm: -40 - (i % 50),
      });
  }
  return out;
}

// The wire contract caps a batch at MAX_EVENTS_PER_BATCH, so 10,000 events are 10 batches.
const events = makeEvents(EVENTS);
const batches: { events: unknown[] }[] = [];
for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BATCH)
  batches.push({ events: events.slice(i, i + MAX_EVENTS_PER_BATCH) });

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(ajv);
const ajvValidate = ajv.compile(getJsonSchema('rfid.v1.EventBatch'));

function measure(label: string, fn: () => void): number {
  for (let i = 0; i < 3; i++) fn(); // warm up (JIT, ajv/zod caches)
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const perSecond = EVENTS / (median / 1000);
  console.log(
    `  ${label.padEnd(34)} ${median.toFixed(2).padStart(8)} ms / 10,000 events   ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} events/s`,
  );
  return perSecond;
}

console.log(
  `contracts: validate ${EVENTS.toLocaleString('en-US')} RFID events (${batches.length} batches, median of ${ROUNDS} rounds)`,
);
const ajvRate = measure('ajv (compiled JSON Schema)', () => {
  for (const b of batches) if (!ajvValidate(b)) throw new Error('ajv rejected a valid batch');
});
const zodRate = measure('zod (EventBatch schema, parse)', () => {
  for (const b of batches) parseContract(EventBatch, b);
});
const ratio = ajvRate / zodRate;
console.log(`  ratio ajv/zod: ${ratio.toFixed(2)}× (goal for the SDK's validation path: ≤ 2×)`);
console.log(
  `  verdict: ${ratio <= 2 ? 'zod is within 2× of ajv: the SDK validates with zod' : 'zod is slower than 2× ajv: the SDK hot path uses the compiled JSON Schema'}`,
);
