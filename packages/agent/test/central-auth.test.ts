// The `fieldops-agent` process and a central nats-server that requires a user and password
// (https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro/username_password):
// with a wrong password the agent keeps running, says why under /healthz and in its log (no password in
// either) and keeps every event in its outbox; restarted with the right one it publishes them all, once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  missingServer,
  type RestartableServer,
  startMosquitto,
  startNats,
} from '@fieldops/bus/testing';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './agent-process.js';
import { appTopic, encodeUplink, publish } from './fake-chirpstack-publisher.js';

const skip = missingServer('mosquitto', 'nats') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000002';
const NATS_USER = 'site-bkk-02';
const NATS_PASSWORD = 'nats-pw-e41b07c9a3';
const WRONG_PASSWORD = 'nats-wrong-5d2f88';
const DEVICE = { devEui: '70b3d57ed0000002', name: 'freezer 2', tags: {} };

describe.skipIf(skip)('fieldops-agent with NATS credentials (real nats-server with authorization)', () => {
  let broker: RestartableServer;
  let nats: RestartableServer;
  let dir: string;
  let healthzPort: number;
  let bridge: MqttClient;
  const seen = new Map<string, number>();
  let closeCounter: () => Promise<void>;

  beforeAll(async () => {
    broker = await startMosquitto();
    nats = await startNats({ auth: { user: NATS_USER, password: NATS_PASSWORD } });
    dir = mkdtempSync(join(tmpdir(), 'fieldops-agent-auth-'));
    healthzPort = await freePort();
    writeFileSync(
      join(dir, 'site.yaml'),
      [
        `site_id: ${SITE}`,
        `mqtt: { url: ${broker.url}, client_id: agent-auth-test }`,
        `outbox: { data_dir: ${join(dir, 'outbox')} }`,
        'central:',
        `  nats: ${nats.url}`,
        `  nats_auth: { user: ${NATS_USER}, password: env:AGENT_NATS_PASSWORD }`,
        `http: { listen: 127.0.0.1:${healthzPort} }`,
        '',
      ].join('\n'),
    );
    bridge = await connectAsync(broker.url, { clientId: 'fake-chirpstack-auth' });
    const { createJetStreamBus } = await import('@fieldops/bus/nats');
    const central = await createJetStreamBus({
      servers: nats.url,
      auth: { user: NATS_USER, pass: NATS_PASSWORD },
      name: 'central-test',
    });
    const sub = await central.subscriber.subscribe(
      { durable: 'counter', subjects: ['fieldops.chirpstack.>'] },
      async (d) => {
        if (d.attempt === 1) {
          const key = `${d.headers['ce-source']} ${d.headers['ce-id']}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        await d.ack();
      },
    );
    closeCounter = async () => {
      await sub.close();
      await central.close();
    };
  }, 120_000);

  afterAll(async () => {
    await bridge?.endAsync();
    await closeCounter?.();
    await nats?.stop();
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (password: string) =>
    spawnAgent(['--config', join(dir, 'site.yaml')], { AGENT_NATS_PASSWORD: password });
  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${healthzPort}/healthz`);
    return (await res.json()) as {
      mqtt: { connected: boolean };
      services: {
        central: { central: string; connected: boolean; outbox_pending: number | null; last_error?: string };
      };
    };
  };
  const send = async (ids: string[], from: number) => {
    for (const [i, dedup] of ids.entries())
      await publish(
        bridge,
        appTopic(DEVICE.devEui, 'up'),
        encodeUplink(DEVICE, {
          fCnt: from + i,
          data: new Uint8Array([1]),
          rssi: [-80],
          time: new Date(),
          dedup,
        }),
      );
  };
  const delivered = () => [...seen.values()].reduce((a, b) => a + b, 0);

  it('refused credentials: keeps running and keeps its outbox, says why without the password; the right ones publish every event once', async () => {
    const logs: string[] = [];
    let agent: AgentProcess = start(WRONG_PASSWORD);
    try {
      await vi.waitFor(async () => expect((await healthz()).mqtt.connected).toBe(true), {
        timeout: 90_000,
        interval: 250,
      });
      const a = Array.from({ length: 20 }, () => randomUUID());
      await send(a, 0);
      await vi.waitFor(
        async () => {
          const central = (await healthz()).services.central;
          expect(central.outbox_pending).toBe(20);
          expect(central.last_error).toMatch(
            /cannot connect to nats:\/\/127\.0\.0\.1:\d+ with user "site-bkk-02": Authorization Violation/,
          );
        },
        { timeout: 60_000, interval: 250 },
      );
      const central = (await healthz()).services.central;
      expect(central.connected).toBe(false);
      expect(central.central).toBe(`nats ${nats.url} as ${NATS_USER}`);
      expect(JSON.stringify(central)).not.toContain(WRONG_PASSWORD);
      expect(delivered()).toBe(0);
      expect(agent.child.exitCode).toBeNull(); // still running
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      logs.push(agent.output());

      // The operator fixes the secret; the restarted agent backfills and carries on.
      agent = start(NATS_PASSWORD);
      await vi.waitFor(() => expect(delivered()).toBe(20), { timeout: 90_000, interval: 250 });
      const b = Array.from({ length: 10 }, () => randomUUID());
      await send(b, 20);
      await vi.waitFor(() => expect(delivered()).toBe(30), { timeout: 60_000, interval: 250 });
      expect((await healthz()).services.central.connected).toBe(true);
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      logs.push(agent.output());

      const source = `/sites/${SITE}/chirpstack`;
      expect([...seen.keys()].sort()).toEqual(
        [...a, ...b].map((id) => `${source} up.${DEVICE.devEui}.${id}`).sort(),
      );
      expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
      const text = logs.join('\n');
      expect(text).toContain('central bus link failed; events stay in the outbox');
      expect(text).toContain('central bus connected, relay started');
      expect(text).not.toContain(WRONG_PASSWORD);
      expect(text).not.toContain(NATS_PASSWORD);
    } finally {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
    }
  }, 400_000);
});
