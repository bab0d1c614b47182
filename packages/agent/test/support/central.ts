// Test support for the agent's central-link tests (central-auth, central-outage): a real Mosquitto (the
// site's ChirpStack MQTT) and nats-server (the central bus), the central side (a durable JetStream
// consumer counting what it is handed), the agent's work dir with its site.yaml, its /healthz, and
// uplinks sent through the fake ChirpStack MQTT bridge.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RestartableServer, startMosquitto, startNats } from '@fieldops/bus/testing';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { appTopic, encodeUplink, type FakeDevice, publish } from '../fake-chirpstack-publisher.js';

/** The central consumer: `seen` counts deliveries per event (`<ce-source> <ce-id>`). */
export interface CentralCounter {
  seen: Map<string, number>;
  /** How many messages the FIELDOPS stream holds on the counted subjects. */
  streamMessages(): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link startCentralCounter}. */
export interface CentralCounterOptions {
  servers: string;
  auth?: { user: string; pass: string };
  /** Count only first deliveries (attempt 1), so a redelivery never counts twice. */
  firstAttemptOnly?: boolean;
}

/** Subscribes a durable consumer `counter` to `fieldops.chirpstack.>` on the central NATS. */
export async function startCentralCounter(options: CentralCounterOptions): Promise<CentralCounter> {
  const { createJetStreamBus } = await import('@fieldops/bus/nats');
  const central = await createJetStreamBus({
    servers: options.servers,
    ...(options.auth ? { auth: options.auth } : {}),
    name: 'central-test',
  });
  const seen = new Map<string, number>();
  const sub = await central.subscriber.subscribe(
    { durable: 'counter', subjects: ['fieldops.chirpstack.>'] },
    async (d) => {
      if (!options.firstAttemptOnly || d.attempt === 1) {
        const key = `${d.headers['ce-source']} ${d.headers['ce-id']}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      await d.ack();
    },
  );
  return {
    seen,
    streamMessages: async () => {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      // Only the subjects the counter reads: the stream may hold the agent's other events too.
      const info = await (await jetstreamManager(central.connection)).streams.info('FIELDOPS', {
        subjects_filter: 'fieldops.chirpstack.>',
      });
      return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    },
    close: async () => {
      await sub.close();
      await central.close();
    },
  };
}

/** What the tests read of the agent's /healthz. */
export interface Healthz {
  ok: boolean;
  mqtt: { connected: boolean };
  services: {
    central: { central: string; connected: boolean; outbox_pending: number | null; last_error?: string };
  };
}

/** GET /healthz of the agent listening on `port`. */
export async function readHealthz(port: number): Promise<Healthz> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as Healthz;
}

/** Publishes one uplink per dedup id (fCnt from `from`) for `device` through the MQTT bridge. */
export async function sendUplinks(
  bridge: MqttClient,
  device: FakeDevice,
  ids: string[],
  from: number,
  data: Uint8Array,
): Promise<void> {
  for (const [i, dedup] of ids.entries()) {
    await publish(
      bridge,
      appTopic(device.devEui, 'up'),
      encodeUplink(device, { fCnt: from + i, data, rssi: [-80], time: new Date(), dedup }),
    );
  }
}

/** A fresh work dir (`<prefix>XXXXXX` under the temp dir) holding the agent's site.yaml, its lines given the dir. */
export function agentDir(prefix: string, siteYaml: (dir: string) => string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'site.yaml'), [...siteYaml(dir), ''].join('\n'));
  return dir;
}

/** What {@link startCentralHarness} starts. */
export interface CentralHarnessOptions {
  /** Prefix of the work dir under the temp dir. */
  prefix: string;
  mosquitto?: Parameters<typeof startMosquitto>[0];
  nats?: Parameters<typeof startNats>[0];
  /** The lines of the agent's site.yaml, given the servers, the work dir and the /healthz port. */
  siteYaml: (h: {
    broker: RestartableServer;
    nats: RestartableServer;
    dir: string;
    healthzPort: number;
  }) => string[];
  /** How the fake ChirpStack connects to Mosquitto. */
  bridge: IClientOptions;
  counter?: Omit<CentralCounterOptions, 'servers'>;
}

/** The servers, the agent's work dir (site.yaml in it), the MQTT bridge and the central counter. */
export interface CentralHarness {
  broker: RestartableServer;
  nats: RestartableServer;
  dir: string;
  healthzPort: number;
  bridge: MqttClient;
  counter: CentralCounter;
  /** Ends the bridge and the counter, stops both servers, removes the work dir. */
  stop(): Promise<void>;
}

/** Starts Mosquitto and nats-server, writes site.yaml, connects the bridge and the central counter. */
export async function startCentralHarness(options: CentralHarnessOptions): Promise<CentralHarness> {
  const broker = await startMosquitto(options.mosquitto);
  const nats = await startNats(options.nats);
  const healthzPort = await freePort();
  const dir = agentDir(options.prefix, (d) => options.siteYaml({ broker, nats, dir: d, healthzPort }));
  const bridge = await connectAsync(broker.url, options.bridge);
  const counter = await startCentralCounter({ servers: nats.url, ...options.counter });
  return {
    broker,
    nats,
    dir,
    healthzPort,
    bridge,
    counter,
    stop: async () => {
      await bridge.endAsync();
      await counter.close();
      await nats.stop();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
