import { missingServer, startMosquitto } from '@fieldops/bus/testing';
import { createHealthMonitor, type HealthEvent } from '@fieldops/sdk/chirpstack';
import { connectAsync } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import type { SinkEvent } from '../src/agent.js';
import { createAgent } from '../src/agent.js';
import { serveHealthz } from '../src/healthz.js';
import { loadConfig } from '../src/load-config.js';
import { appTopic, encodeConn, encodeJoin, publish } from './fake-chirpstack-publisher.js';

const skip = missingServer('mosquitto') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000001';

describe('site.yaml', () => {
  it('names the contract, its version and each failing field', () => {
    expect(() => loadConfig({ site_id: 'bkk', mqtt: { url: 'http://x' } }, 'site.yaml')).toThrow(
      '@fieldops/agent: site.yaml is not a valid fieldops-agent config v1:\n  site_id: expected a site id (site_…)\n  mqtt.url: expected an mqtt:// or mqtts:// URL',
    );
  });
});

describe.skipIf(skip)('the agent (real Mosquitto)', () => {
  it('routes MQTT into the sink and the monitor, answers /healthz, and says 503 when the broker is gone', async () => {
    const broker = await startMosquitto();
    const config = loadConfig({
      site_id: SITE,
      mqtt: { url: broker.url, gateway_topic_prefixes: ['as923'], client_id: 'agent-under-test' },
      http: { listen: '127.0.0.1:0' },
    });
    const sunk: SinkEvent[] = [];
    const health: HealthEvent[] = [];
    const monitor = createHealthMonitor({
      client: {} as never, // MQTT observations only in this test: the gRPC round is not started
      tenantId: 't',
      heartbeatIntervalMs: 0,
      onEvent: (e) => {
        health.push(e);
      },
    });
    const agent = createAgent({
      config,
      sink: {
        append: async (e) => {
          sunk.push(...(Array.isArray(e) ? e : [e as SinkEvent]));
        },
      },
      monitor,
    });
    await agent.start();
    const healthz = await serveHealthz(agent, config.http.listen);
    try {
      const bridge = await connectAsync(broker.url, { clientId: 'bridge' });
      await publish(
        bridge,
        appTopic('70b3d57ed0000001', 'join'),
        encodeJoin({ devEui: '70b3d57ed0000001', name: 'f', tags: {} }, new Date()),
      );
      await publish(
        bridge,
        'as923/gateway/00800000a00016b0/state/conn',
        encodeConn('00800000a00016b0', false, false),
      );
      await vi.waitFor(() => expect(sunk).toHaveLength(1));
      await vi.waitFor(() =>
        expect(health.map((e) => e.type)).toEqual(['io.fieldops.chirpstack.gateway.offline.v1']),
      );
      expect(sunk[0]?.source).toBe(`/sites/${SITE}/chirpstack`);
      const ok = await fetch(healthz.url);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        ok: true,
        site_id: SITE,
        mqtt: { connected: true, received: 2, events: 1 },
      });
      await bridge.endAsync();
      await broker.stop();
      await vi.waitFor(async () => expect((await fetch(healthz.url)).status).toBe(503), { timeout: 10_000 });
    } finally {
      await healthz.close();
      await agent.stop();
      await broker.stop();
    }
  });
});
