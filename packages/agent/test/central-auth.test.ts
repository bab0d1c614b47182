// The `fieldops-agent` process and a central nats-server that requires a user and password
// (https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro/username_password):
// with a wrong password the agent keeps running, says why under /healthz and in its log (no password in
// either) and keeps every event in its outbox; restarted with the right one it publishes them all, once.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { missingServer } from '@fieldops/bus/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './agent-process.js';
import { type CentralHarness, readHealthz, sendUplinks, startCentralHarness } from './support/central.js';

const skip = missingServer('mosquitto', 'nats') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000002';
const NATS_USER = 'site-bkk-02';
const NATS_PASSWORD = 'nats-pw-e41b07c9a3';
const WRONG_PASSWORD = 'nats-wrong-5d2f88';
const DEVICE = { devEui: '70b3d57ed0000002', name: 'freezer 2', tags: {} };

describe.skipIf(skip)('fieldops-agent with NATS credentials (real nats-server with authorization)', () => {
  let h: CentralHarness | undefined;

  beforeAll(async () => {
    h = await startCentralHarness({
      prefix: 'fieldops-agent-auth-',
      nats: { auth: { user: NATS_USER, password: NATS_PASSWORD } },
      siteYaml: ({ broker, nats, dir, healthzPort }) => [
        `site_id: ${SITE}`,
        `mqtt: { url: ${broker.url}, client_id: agent-auth-test }`,
        `outbox: { data_dir: ${join(dir, 'outbox')} }`,
        'central:',
        `  nats: ${nats.url}`,
        `  nats_auth: { user: ${NATS_USER}, password: env:AGENT_NATS_PASSWORD }`,
        `http: { listen: 127.0.0.1:${healthzPort} }`,
      ],
      bridge: { clientId: 'fake-chirpstack-auth' },
      counter: { auth: { user: NATS_USER, pass: NATS_PASSWORD }, firstAttemptOnly: true },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  const start = (password: string) =>
    spawnAgent(['--config', join(h!.dir, 'site.yaml')], { AGENT_NATS_PASSWORD: password });
  const healthz = () => readHealthz(h!.healthzPort);
  const send = (ids: string[], from: number) =>
    sendUplinks(h!.bridge, DEVICE, ids, from, new Uint8Array([1]));
  const seen = () => h!.counter.seen;
  const delivered = () => [...seen().values()].reduce((a, b) => a + b, 0);

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
      expect(central.central).toBe(`nats ${h!.nats.url} as ${NATS_USER}`);
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
      expect([...seen().keys()].sort()).toEqual(
        [...a, ...b].map((id) => `${source} up.${DEVICE.devEui}.${id}`).sort(),
      );
      expect([...seen().values()].filter((n) => n > 1)).toEqual([]);
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
