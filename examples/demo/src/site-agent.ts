// The demo's site: an in-process MQTT broker (aedes, the demo only: tests and CI use the real
// Mosquitto), a stand-in Gateway Bridge publishing the gateway's JSON stats and retained conn state on
// the region's topics, and the real site agent (`startSiteAgent` of @fieldops/agent, what the
// `fieldops-agent` bin runs) with its PGlite outbox, whose relay delivers to notify's HTTP ingest in
// CloudEvents batched mode (the embedded central link; NATS JetStream on a real site). The scripted
// failure travels gateway → MQTT → agent → outbox → relay → notify.
import { createServer, type Server } from 'node:net';
import { loadConfig, type SiteAgent, startSiteAgent } from '@fieldops/agent';
import { createCloudEventsHttpPublisher } from '@fieldops/bus';
import { createEnvProvider, createSecretResolver } from '@fieldops/sdk/secrets';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';

/** Options of {@link startDemoSite}. */
export interface DemoSiteOptions {
  siteId: string;
  /** The agent's outbox directory. */
  dataDir: string;
  chirpstack: { target: string; apiToken: string; tenantId: string };
  gatewayEui: string;
  /** The region's MQTT topic prefix (the region file's `topic_prefix`). */
  region: string;
  /** The gateways' stats interval, s (the agent calls a gateway offline at 1.5 × this). */
  statsIntervalS: number;
  /** notify's base URL and ingest token: the relay posts to `<url>/notify/events`. */
  notify: { url: string; token: string };
}

/** The running demo site. */
export interface DemoSite {
  brokerUrl: string;
  agent: SiteAgent;
  /** The gateway stops sending stats (the scripted failure). */
  fail(): void;
  /** The gateway sends stats again. */
  recover(): void;
  /** Events of `type` the relay has delivered (marked published in the agent's outbox). */
  published(type: string): Promise<number>;
  /** Waits (up to `timeoutMs`) until the outbox is delivered; then stops everything. */
  stop(timeoutMs: number): Promise<{ appended: number; pending: number; rejected: number }>;
}

const count = async (site: SiteAgent, where: string, params: unknown[] = []) => {
  const { rows } = await site.db.query(
    `SELECT count(*)::int AS n FROM fieldops_bus.outbox WHERE ${where}`,
    params,
  );
  return Number((rows[0] as { n: number }).n);
};

/** Starts the broker, the Gateway Bridge stand-in and the site agent. */
export async function startDemoSite(o: DemoSiteOptions): Promise<DemoSite> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const brokerUrl = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;

  const agent = await startSiteAgent(
    loadConfig({
      site_id: o.siteId,
      mqtt: { url: brokerUrl, client_id: 'fieldops-agent', gateway_topic_prefixes: [o.region] },
      chirpstack: {
        target: o.chirpstack.target,
        api_token: 'env:CHIRPSTACK_API_TOKEN',
        tenant_id: o.chirpstack.tenantId,
        poll_interval_s: 1,
        stats_interval_s: o.statsIntervalS,
      },
      outbox: { data_dir: o.dataDir },
      http: { listen: '127.0.0.1:0' },
    }),
    {
      secrets: createSecretResolver({
        providers: [createEnvProvider({ env: { CHIRPSTACK_API_TOKEN: o.chirpstack.apiToken } })],
      }),
      central: {
        describe: 'notify HTTP ingest (CloudEvents batched)',
        connect: async () => ({
          publisher: createCloudEventsHttpPublisher({
            url: `${o.notify.url.replace(/\/+$/, '')}/notify/events`,
            token: o.notify.token,
          }),
          close: async () => {},
        }),
      },
    },
  );

  // The Gateway Bridge stand-in: retained ONLINE conn state, stats every interval (JSON marshaler).
  const gatewayTopic = `${o.region}/gateway/${o.gatewayEui}`;
  const bridge: MqttClient = await connectAsync(brokerUrl, { clientId: 'chirpstack-gateway-bridge' });
  let rx = 0;
  const sendStats = () => {
    rx += 3;
    bridge.publish(
      `${gatewayTopic}/event/stats`,
      JSON.stringify({
        gatewayId: o.gatewayEui,
        time: new Date().toISOString(),
        rxPacketsReceived: rx,
        rxPacketsReceivedOk: rx - 1,
        txPacketsReceived: 0,
        txPacketsEmitted: 0,
      }),
      { qos: 1 },
    );
  };
  await bridge.publishAsync(
    `${gatewayTopic}/state/conn`,
    JSON.stringify({ gatewayId: o.gatewayEui, state: 'ONLINE' }),
    { qos: 1, retain: true },
  );
  sendStats();
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(sendStats, o.statsIntervalS * 1000);

  return {
    brokerUrl,
    agent,
    fail() {
      clearInterval(timer);
      timer = undefined;
    },
    recover() {
      if (timer) return;
      sendStats();
      timer = setInterval(sendStats, o.statsIntervalS * 1000);
    },
    published: (type) => count(agent, 'type = $1 AND published_at IS NOT NULL', [type]),
    async stop(timeoutMs) {
      clearInterval(timer);
      await bridge.endAsync();
      const deadline = Date.now() + timeoutMs;
      while (
        (await count(agent, 'published_at IS NULL AND rejected_at IS NULL')) > 0 &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 50));
      const result = {
        appended: await count(agent, 'true'),
        pending: await count(agent, 'published_at IS NULL AND rejected_at IS NULL'),
        rejected: await count(agent, 'rejected_at IS NOT NULL'),
      };
      await agent.stop();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return result;
    },
  };
}
