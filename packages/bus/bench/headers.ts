// NATS header block per message, in isolation: nats-core's MsgHdrsImpl (append per header, encode) with the
// payload through TextEncoder, against WireHeaders (one text, checked once) with Buffer.from, the way the
// pipelined publisher builds each message. `node --import tsx bench/headers.ts`
import { Buffer } from 'node:buffer';
import { headers } from '@nats-io/transport-node';
import { invalidHeader, WireHeaders } from '../src/nats/wire-headers.js';

const N = 200_000;
const encoder = new TextEncoder();
const messages = Array.from({ length: N }, (_, i) => ({
  id: `/bench b-${i}`,
  headers: {
    'ce-id': `b-${i}`,
    'ce-source': '/bench',
    'ce-type': 'com.fieldops.bench.tick.v1',
    'content-type': 'application/cloudevents+json',
  } as Record<string, string>,
  payload: `{"specversion":"1.0","id":"b-${i}","source":"/bench","type":"com.fieldops.bench.tick.v1","data":{"t":0,"run":0}}`,
}));
let bytes = 0;

/** What the publisher did before: MsgHdrsImpl.append per header, its encode(), TextEncoder for the payload. */
function msgHdrsImpl() {
  for (const m of messages) {
    const h = headers();
    h.append('Nats-Msg-Id', m.id);
    for (const k in m.headers) h.append(k, m.headers[k] as string);
    bytes += (h as unknown as { encode(): Uint8Array }).encode().length + encoder.encode(m.payload).length;
  }
}

/** What it does now: the pairs checked once, encoded once as text, Buffer.from for both. */
function wireHeaders() {
  for (const m of messages) {
    const pairs: [string, string][] = [['Nats-Msg-Id', m.id]];
    for (const k in m.headers) pairs.push([k, m.headers[k] as string]);
    if (invalidHeader(pairs)) throw new Error('invalid header');
    bytes += new WireHeaders(pairs).encode().length + Buffer.from(m.payload, 'utf8').length;
  }
}

for (let round = 0; round < 4; round++)
  for (const [name, run] of [
    ['MsgHdrsImpl + TextEncoder', msgHdrsImpl],
    ['WireHeaders + Buffer.from', wireHeaders],
  ] as const) {
    const c0 = process.cpuUsage();
    run();
    const c = process.cpuUsage(c0);
    console.log(`round ${round} ${name}: ${((c.user + c.system) / N).toFixed(2)} µs CPU per message`);
  }
if (bytes === 0) throw new Error('nothing encoded');
