// Bare JetStream publish, same server and run: js.publish per message (1,000 in flight, the publisher before the pipelined one) vs createJetStreamBus's pipelined publisher. `node --import tsx bench/publisher.ts`

import { jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { createJetStreamBus } from '../src/nats.js';
import { startNats } from '../src/testing.js';

const N = 20_000;
const nats = await startNats();
const bus = await createJetStreamBus({ servers: nats.url });
const js = jetstream(bus.connection);
const data = new TextEncoder().encode(
  JSON.stringify({ specversion: '1.0', id: 'x', source: '/b', type: 't', data: { a: 1 } }),
);
const msgs = (tag: string) =>
  Array.from({ length: N }, (_, i) => ({
    subject: 'fieldops.bench.x.v1',
    id: `${tag}-${i}`,
    data,
    headers: {
      'ce-id': `${i}`,
      'ce-source': '/b',
      'ce-type': 't',
      'content-type': 'application/cloudevents+json',
    },
  }));
async function old(ms: ReturnType<typeof msgs>) {
  for (let s = 0; s < ms.length; s += 1000)
    await Promise.all(
      ms.slice(s, s + 1000).map(async (m) => {
        const h = headers();
        for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
        await js.publish(m.subject, m.data, { msgID: m.id, headers: h, timeout: 5000 });
      }),
    );
}
async function piped(ms: ReturnType<typeof msgs>) {
  for (let s = 0; s < ms.length; s += 1000) {
    const o = await bus.publisher.publishBatch(ms.slice(s, s + 1000));
    if (o.some((x) => !x.ok)) throw new Error('failed');
  }
}
for (let round = 0; round < 3; round++) {
  for (const [name, f] of [
    ['js.publish', old],
    ['pipelined', piped],
  ] as const) {
    const ms = msgs(`${name}-${round}`);
    const t0 = performance.now();
    await f(ms);
    const s = (performance.now() - t0) / 1000;
    console.log(`round ${round} ${name}: ${Math.round(N / s)} msgs/s`);
  }
}
await bus.close();
await nats.stop();
process.exit(0);
