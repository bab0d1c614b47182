// startSiteAgent in process: the ChirpStack monitor (real gRPC to the fake ChirpStack), the RFID
// backend health loop (a real HTTP server), a producer, all written to the PGlite outbox; and a gateway
// that came back while the agent was stopped is resolved after the restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingServer, type RestartableServer, startMosquitto } from '@fieldops/bus/testing';
import { createChirpStackClient } from '@fieldops/sdk/chirpstack';
import { createStationHealthTracker } from '@fieldops/sdk/rfid';
import { createEnvProvider, createSecretResolver } from '@fieldops/sdk/secrets';
import { type FakeChirpStack, startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/load-config.js';
import { type AgentProducer, createStationHealthProducer } from '../src/producer.js';
import { type SiteAgent, startSiteAgent } from '../src/site/site-agent.js';

const skip = missingServer('mosquitto') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000001';
const GW = 'aa555a0000000001';

describe.skipIf(skip)(
  'startSiteAgent (fake ChirpStack over gRPC, real Mosquitto, real HTTP RFID backend)',
  () => {
    let fake: FakeChirpStack;
    let broker: RestartableServer;
    let rfid: Server;
    let rfidUrl: string;
    let tenantId: string;
    let dir: string;

    beforeAll(async () => {
      fake = await startFakeChirpStack();
      const client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
      tenantId = await client.createTenant({ name: 'site-bkk-01', can_have_gateways: true });
      await client.createGateway({ gateway_id: GW, tenant_id: tenantId, name: 'gw-1', stats_interval_s: 30 });
      client.close();
      broker = await startMosquitto();
      rfid = createServer((req, res) => {
        res.writeHead(req.url === '/api/v1/health' ? 503 : 404).end();
      });
      await new Promise<void>((r) => rfid.listen(0, '127.0.0.1', () => r()));
      rfidUrl = `http://127.0.0.1:${(rfid.address() as { port: number }).port}`;
      dir = mkdtempSync(join(tmpdir(), 'fieldops-site-agent-'));
    }, 60_000);
    afterAll(async () => {
      await fake?.stop();
      await broker?.stop();
      await new Promise((r) => rfid?.close(r));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const start = (producers: AgentProducer[] = []) =>
      startSiteAgent(
        loadConfig({
          site_id: SITE,
          mqtt: { url: broker.url, client_id: 'site-agent-test' },
          chirpstack: { target: fake.target, api_token: 'env:CS_TOKEN', tenant_id: tenantId },
          rfid: { backend_url: rfidUrl },
          outbox: { data_dir: join(dir, 'outbox') },
          http: { listen: '127.0.0.1:0' },
        }),
        {
          secrets: createSecretResolver({
            providers: [createEnvProvider({ env: { CS_TOKEN: fake.apiToken } })],
          }),
          producers,
        },
      );
    const types = async (site: SiteAgent) => {
      const { rows } = (await site.db.query(
        'SELECT type, payload FROM fieldops_bus.outbox ORDER BY seq',
      )) as {
        rows: { type: string; payload: string }[];
      };
      return rows.map((r) => ({
        type: r.type,
        event: JSON.parse(r.payload) as { subject?: string; data: Record<string, unknown> },
      }));
    };

    it('writes ChirpStack health, RFID backend health and producers’ events to the outbox; resolves after a restart', async () => {
      fake.setGatewaySeen(GW, new Date(Date.now() - 3_600_000)); // silent for an hour
      let clock = Date.now();
      const tracker = createStationHealthTracker({
        source: `/sites/${SITE}/rfid`,
        siteId: SITE,
        now: () => new Date(clock),
      });
      tracker.watch('stn_0001');
      clock += 3_600_000; // an hour without a heartbeat
      let site = await start([createStationHealthProducer(tracker, 60_000)]);
      try {
        await vi.waitFor(
          async () =>
            expect((await types(site)).map((r) => r.type)).toEqual(
              expect.arrayContaining([
                'io.fieldops.chirpstack.gateway.offline.v1',
                'io.fieldops.site.agent.heartbeat.v1',
                'io.fieldops.rfid.backend.health_changed.v1',
                'io.fieldops.rfid.station.health.v1',
              ]),
            ),
          { timeout: 30_000, interval: 200 },
        );
        const rows = await types(site);
        expect(rows.find((r) => r.type.endsWith('backend.health_changed.v1'))?.event.data).toMatchObject({
          status: 'down',
          site_id: SITE,
        });
        expect(rows.find((r) => r.type.endsWith('station.health.v1'))?.event.data).toMatchObject({
          condition: 'heartbeat_missed',
          status: 'firing',
        });
        expect(rows.filter((r) => r.type.endsWith('gateway.online.v1'))).toEqual([]);
        const health = site.agent.health() as unknown as { producers: Record<string, { emitted: number }> };
        expect(health.producers['rfid-backend-health']?.emitted).toBe(1);
      } finally {
        await site.stop();
      }

      // The gateway comes back while the agent is stopped; the restarted agent resolves it.
      fake.setGatewaySeen(GW, new Date());
      site = await start();
      try {
        await vi.waitFor(
          async () => {
            const online = (await types(site)).filter(
              (r) => r.type === 'io.fieldops.chirpstack.gateway.online.v1',
            );
            expect(online.map((r) => [r.event.subject, r.event.data.previous_state])).toEqual([
              [GW, 'offline'],
            ]);
          },
          { timeout: 30_000, interval: 200 },
        );
        const { rows } = await site.db.query('SELECT count(*)::int AS n FROM fieldops_agent.firing');
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await site.stop();
      }
    }, 120_000);
  },
);
