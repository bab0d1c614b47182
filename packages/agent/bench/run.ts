// Benchmarks of @fieldops/agent (figures printed, not asserted). Run with `pnpm bench`.
//   1. ChirpStack application events -> CloudEvents: msgs/s of the whole handler (topic parse,
//      decode, event build) against decode alone, in one process, for Protobuf and JSON; then
//      through a real Mosquitto (QoS 1, persistent session) end to end. Goal ≥ 10,000 msgs/s.
//   2. Gateway-offline detection latency through MQTT against the gateways' stats interval
//      (the monitor's stats timeout of 1.5 × the interval, checked every interval / 4). Goal ≤ 2×.
import os from 'node:os';
import { missingServer, startMosquitto } from '@fieldops/bus/testing';
import { createHealthMonitor, type HealthEvent } from '@fieldops/sdk/chirpstack';
import { connectAsync } from 'mqtt';
import { createMqttConsumer } from '../src/mqtt/consumer.js';
import { decodeJsonEvent } from '../src/mqtt/decode-json.js';
import { decodeProtobufEvent } from '../src/mqtt/decode-protobuf.js';
import { createMessageHandler } from '../src/mqtt/handle-message.js';
import {
  appTopic,
  encodeStats,
  encodeStatus,
  encodeUplink,
  encodeUplinkJson,
  type FakeDevice,
} from '../test/fake-chirpstack-publisher.js';

const N = 50_000;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');
const T = new Date('2026-11-30T10:00:00Z');
const devices: FakeDevice[] = Array.from({ length: 500 }, (_, i) => ({
  devEui: `70b3d57ed${i.toString(16).padStart(7, '0')}`,
  name: `sensor-${i}`,
  tags: { fieldops_device_id: `dev_${i.toString(36).padStart(8, '0')}` },
}));
const data = new Uint8Array(12).fill(7);
// 90 % uplinks, 10 % status, as a sensor fleet sends them.
function workload(json: boolean): [string, Uint8Array][] {
  return Array.from({ length: N }, (_, i) => {
    const d = devices[i % devices.length]!;
    if (i % 10 === 9) {
      const s = encodeStatus(d, 70, 8, T, json);
      return [appTopic(d.devEui, 'status'), typeof s === 'string' ? Buffer.from(s) : s];
    }
    const u = {
      fCnt: i,
      data,
      object: { temperature: -18.2, door: 'closed' },
      rssi: [-97, -84],
      time: T,
      dedup: `dd-${i}`,
    };
    return [appTopic(d.devEui, 'up'), json ? Buffer.from(encodeUplinkJson(d, u)) : encodeUplink(d, u)];
  });
}

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const handle = createMessageHandler({
  applicationTopicPrefix: 'application',
  gatewayTopicPrefixes: ['as923'],
  source: '/sites/site_bench/chirpstack',
  siteId: 'site_bench',
  now: () => T,
});

console.log(
  `@fieldops/agent benchmarks on ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}, ${fmt(N)} messages`,
);
for (const json of [false, true]) {
  const msgs = workload(json);
  const decode = json ? decodeJsonEvent : decodeProtobufEvent;
  // Warm up both paths, then measure each three times and keep the best.
  for (const [t, p] of msgs.slice(0, 2000)) {
    decode(t.endsWith('status') ? 'status' : 'up', p);
    handle(t, p);
  }
  let decodeMs = Number.POSITIVE_INFINITY;
  let handleMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    decodeMs = Math.min(
      decodeMs,
      timeIt(() => {
        for (const [t, p] of msgs) decode(t.endsWith('status') ? 'status' : 'up', p);
      }),
    );
    handleMs = Math.min(
      handleMs,
      timeIt(() => {
        for (const [t, p] of msgs) handle(t, p);
      }),
    );
  }
  const enc = json ? 'JSON' : 'Protobuf';
  console.log(
    `1. ${enc.padEnd(8)} decode alone ${fmt(rate(N, decodeMs))} msgs/s; decode + CloudEvent ${fmt(rate(N, handleMs))} msgs/s (${(decodeMs / handleMs).toFixed(2)} × decode alone's rate)`,
  );
}

if (missingServer('mosquitto')) {
  console.log('mosquitto is not installed: the broker figures are skipped');
  process.exit(0);
}

// ---- 1b. through a real Mosquitto ----
{
  const broker = await startMosquitto();
  const msgs = workload(false).slice(0, 20_000);
  let got = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const consumer = createMqttConsumer({
    url: broker.url,
    clientId: 'bench-agent',
    applicationTopicPrefix: 'application',
    gatewayTopicPrefixes: [],
    source: '/sites/site_bench/chirpstack',
    onEvent: () => {
      if (++got === msgs.length) done();
    },
  });
  await consumer.start();
  const pub = await connectAsync(broker.url, { clientId: 'bench-chirpstack' });
  const t0 = performance.now();
  // ChirpStack publishes at QoS 0 by default; the consumer's subscription is QoS 1.
  await Promise.all(msgs.map(([t, p]) => pub.publishAsync(t, Buffer.from(p), { qos: 0 })));
  await finished;
  const ms = performance.now() - t0;
  console.log(
    `1b. through Mosquitto (QoS 1 subscription): ${fmt(rate(msgs.length, ms))} msgs/s decoded into CloudEvents (${fmt(msgs.length)} messages)`,
  );
  await pub.endAsync();
  await consumer.stop();
  await broker.stop();
}

// ---- 2. gateway-offline detection latency against the stats interval ----
{
  const broker = await startMosquitto();
  const STATS_S = 1;
  const ratios: number[] = [];
  for (let round = 0; round < 5; round++) {
    const gw = `00800000a00016${round.toString(16).padStart(2, '0')}`;
    let lastStatsAt = 0;
    let offlineAt = 0;
    const monitor = createHealthMonitor({
      client: {} as never, // only MQTT observations here: no gRPC round is run
      tenantId: 'bench',
      statsIntervalS: STATS_S,
      heartbeatIntervalMs: 0,
      onEvent: (e: HealthEvent) => {
        if (e.type === 'io.fieldops.chirpstack.gateway.offline.v1') offlineAt = performance.now();
      },
    });
    const consumer = createMqttConsumer({
      url: broker.url,
      clientId: `bench-gw-${round}`,
      applicationTopicPrefix: 'application',
      gatewayTopicPrefixes: ['as923'],
      source: '/sites/site_bench/chirpstack',
      onEvent: () => {},
      onGateway: (g) => {
        if (g.kind === 'stats') lastStatsAt = performance.now();
        void monitor.observeGateway(
          g.kind === 'conn'
            ? { gatewayId: g.gatewayId, kind: 'conn', state: g.state }
            : { gatewayId: g.gatewayId, kind: 'stats' },
        );
      },
    });
    await consumer.start();
    monitor.start(3_600_000, (STATS_S * 1000) / 4);
    const bridge = await connectAsync(broker.url, { clientId: `bench-bridge-${round}` });
    for (let i = 0; i < 3; i++) {
      await bridge.publishAsync(
        `as923/gateway/${gw}/event/stats`,
        Buffer.from(encodeStats(gw, new Date(), 10)),
        { qos: 1 },
      );
      await new Promise((r) => setTimeout(r, STATS_S * 1000));
    }
    // The gateway stops: no more stats.
    while (!offlineAt) await new Promise((r) => setTimeout(r, 10));
    ratios.push((offlineAt - lastStatsAt) / (STATS_S * 1000));
    monitor.stop();
    await bridge.endAsync();
    await consumer.stop();
  }
  await broker.stop();
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `2. gateway offline detected ${sorted.map((r) => `${r.toFixed(2)}×`).join(', ')} the stats interval after its last stats (median ${sorted[2]?.toFixed(2)}×; ChirpStack's own rule is 2×; goal ≤ 2×)`,
  );
}
