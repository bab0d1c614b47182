// The HTTP relay (site.yaml `central.http`) against a real HTTP server standing in for the centre's
// CloudEvents ingest (binding: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
// §3.3 batched mode). Same semantics as the NATS relay: an event leaves the outbox only on a 2xx; while
// the centre answers 503 everything stays; a response lost after the centre stored a batch makes the
// relay send it again with the same ids, so the centre's dedup by `source id` keeps each event once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingServer, type RestartableServer, startMosquitto } from '@fieldops/bus/testing';
import { createEnvProvider, createSecretResolver } from '@fieldops/sdk/secrets';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/load-config.js';
import { type SiteAgent, startSiteAgent } from '../src/site/site-agent.js';
import { appTopic, encodeUplink, publish } from './fake-chirpstack-publisher.js';

const skip = missingServer('mosquitto') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000003';
const TOKEN = 'centre-tok-8e21d0a4f6';
const DEVICE = { devEui: '70b3d57ed0000003', name: 'freezer 3', tags: {} };

describe.skipIf(skip)(
  'fieldops-agent relaying over HTTP (central.http, real HTTP server, real Mosquitto)',
  () => {
    let broker: RestartableServer;
    let centre: Server;
    let centreUrl: string;
    let dir: string;
    let bridge: MqttClient;
    /** What the centre does with the next request. */
    let mode: 'down' | 'store-then-drop' | 'up' = 'down';
    const stored = new Map<string, number>();
    const received: string[] = [];
    const refused: number[] = [];
    let dropped = 0;

    beforeAll(async () => {
      broker = await startMosquitto();
      centre = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          if (req.headers.authorization !== `Bearer ${TOKEN}`) {
            refused.push(401);
            res.writeHead(401).end();
            return;
          }
          if (mode === 'down' || req.headers['content-type'] !== 'application/cloudevents-batch+json') {
            res.writeHead(503).end();
            return;
          }
          const events = JSON.parse(body) as { source: string; id: string }[];
          for (const e of events) {
            const key = `${e.source} ${e.id}`;
            received.push(key);
            stored.set(key, 1); // the centre's inbox: one row per source + id
          }
          if (mode === 'store-then-drop') {
            mode = 'up';
            dropped = events.length;
            req.socket.destroy(); // stored, but the site never hears it
            return;
          }
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => centre.listen(0, '127.0.0.1', () => r()));
      centreUrl = `http://127.0.0.1:${(centre.address() as { port: number }).port}/bus/events`;
      dir = mkdtempSync(join(tmpdir(), 'fieldops-agent-http-'));
      bridge = await connectAsync(broker.url, { clientId: 'fake-chirpstack-http' });
    }, 60_000);
    afterAll(async () => {
      await bridge?.endAsync();
      await broker?.stop();
      await new Promise((r) => centre?.close(r));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const send = async (ids: string[]) => {
      for (const [i, dedup] of ids.entries())
        await publish(
          bridge,
          appTopic(DEVICE.devEui, 'up'),
          encodeUplink(DEVICE, { fCnt: i, data: new Uint8Array([1]), rssi: [-80], time: new Date(), dedup }),
        );
    };

    it('keeps events while the centre is down, sends them with the token, and a lost response costs a resend, not a duplicate', async () => {
      const site: SiteAgent = await startSiteAgent(
        loadConfig({
          site_id: SITE,
          mqtt: { url: broker.url, client_id: 'agent-http-test' },
          outbox: { data_dir: join(dir, 'outbox') },
          central: { http: { url: centreUrl, token: 'env:CENTRE_TOKEN', max_batch: 7 } },
          http: { listen: '127.0.0.1:0' },
        }),
        {
          secrets: createSecretResolver({ providers: [createEnvProvider({ env: { CENTRE_TOKEN: TOKEN } })] }),
        },
      );
      const health = async () =>
        (
          (await (await fetch(site.healthzUrl as string)).json()) as {
            services: { central: { central: string; connected: boolean; outbox_pending: number | null } };
          }
        ).services.central;
      try {
        await vi.waitFor(
          async () =>
            expect(
              ((await (await fetch(site.healthzUrl as string)).json()) as { mqtt: { connected: boolean } })
                .mqtt.connected,
            ).toBe(true),
          {
            timeout: 60_000,
            interval: 200,
          },
        );
        const ids = Array.from({ length: 15 }, () => randomUUID());
        await send(ids);
        // The centre answers 503: every event stays in the outbox.
        await vi.waitFor(async () => expect((await health()).outbox_pending).toBe(15), {
          timeout: 60_000,
          interval: 200,
        });
        expect((await health()).connected).toBe(false);
        expect((await health()).central).toBe(`http ${centreUrl}`);
        expect(stored.size).toBe(0);

        // The centre comes back, but the answer to the first batch it stores is lost.
        mode = 'store-then-drop';
        await vi.waitFor(async () => expect((await health()).outbox_pending).toBe(0), {
          timeout: 90_000,
          interval: 200,
        });
        const source = `/sites/${SITE}/chirpstack`;
        expect([...stored.keys()].sort()).toEqual(
          ids.map((id) => `${source} up.${DEVICE.devEui}.${id}`).sort(),
        );
        // The batch whose answer was lost was sent again with the same ids: received twice, stored once.
        expect(dropped).toBeGreaterThan(0);
        expect(received.length).toBe(15 + dropped);
        expect(new Set(received).size).toBe(15);
        expect((await health()).connected).toBe(true);
        expect(refused).toEqual([]);
      } finally {
        await site.stop();
      }
    }, 300_000);
  },
);
