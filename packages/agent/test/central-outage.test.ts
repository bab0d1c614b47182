// The `fieldops-agent` process against a real Mosquitto and a real nats-server: the central bus goes
// away, the agent is SIGKILLed at a random moment while it is away, and every event still reaches the
// central stream exactly once. What the agent owes is counted at the stream (its message count) and by
// the unique ids a durable consumer sees; JetStream itself may hand a consumer a message again after a
// server restart (at-least-once; consumers dedup in their inbox), so redeliveries are reported, not
// counted as the agent's duplicates.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { missingServer } from '@fieldops/bus/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './agent-process.js';
import { type CentralHarness, readHealthz, sendUplinks, startCentralHarness } from './support/central.js';

const skip = missingServer('mosquitto', 'nats') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000001';
const PASSWORD = 'mqtt-pw-4f1c9e07d2';
const DEVICE = { devEui: '70b3d57ed0000001', name: 'freezer 1', tags: {} };

describe.skipIf(skip)('fieldops-agent process (real Mosquitto and nats-server)', () => {
  // The central consumer: a durable JetStream consumer counting every event it is handed. On a
  // miscount, how many messages the stream holds (copies stored twice, or one message delivered
  // twice?) and which events came twice.
  let h: CentralHarness | undefined;

  beforeAll(async () => {
    h = await startCentralHarness({
      prefix: 'fieldops-agent-',
      mosquitto: {
        conf: 'allow_anonymous false\npassword_file x\npersistence true\nmax_queued_messages 0\n',
        users: { chirpstack: PASSWORD },
      },
      siteYaml: ({ broker, nats, dir, healthzPort }) => [
        `site_id: ${SITE}`,
        'mqtt:',
        `  url: ${broker.url}`,
        '  username: chirpstack',
        '  password: env:MQTT_PASSWORD',
        '  client_id: agent-outage-test',
        `outbox: { data_dir: ${join(dir, 'outbox')} }`,
        `central: { nats: ${nats.url} }`,
        `http: { listen: 127.0.0.1:${healthzPort} }`,
      ],
      bridge: { clientId: 'fake-chirpstack', username: 'chirpstack', password: PASSWORD },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  const start = () => spawnAgent(['--config', join(h!.dir, 'site.yaml')], { MQTT_PASSWORD: PASSWORD });
  const healthz = () => readHealthz(h!.healthzPort);
  const seen = () => h!.counter.seen;
  const streamMessages = () => h!.counter.streamMessages();
  const uplinks = (n: number) => Array.from({ length: n }, () => randomUUID());
  const send = (ids: string[], from: number) =>
    sendUplinks(h!.bridge, DEVICE, ids, from, new Uint8Array([1, 2, 3]));
  /** Distinct events the consumer has been handed (a redelivery of one it saw does not count). */
  const delivered = () => seen().size;
  /** Waits until the consumer has seen `n` distinct events and the stream holds exactly `n`; on a miscount the error says which step's events came twice and what the stream holds. */
  const waitForCount = async (n: number, steps: Record<string, string[]>) => {
    try {
      await vi.waitFor(() => expect(delivered()).toBe(n), { timeout: 90_000, interval: 250 });
      expect(await streamMessages()).toBe(n);
    } catch (error) {
      const twice = Object.fromEntries(
        Object.entries(steps).map(([step, ids]) => [
          step,
          ids.filter((id) => [...seen()].some(([k, c]) => c > 1 && k.endsWith(id))).length,
        ]),
      );
      const held = await streamMessages().catch(() => Number.NaN);
      throw new Error(
        `${delivered()} distinct events delivered, expected ${n}; events delivered more than once per step ${JSON.stringify(twice)}; the stream holds ${held} messages (expected ${n})`,
        { cause: error },
      );
    }
  };

  it('keeps its outbox through a central outage and a SIGKILL, backfills, and stops on SIGTERM: 0 lost, 0 twice', async () => {
    let agent: AgentProcess = start();
    const logs: string[] = [];
    try {
      // Generous: a fresh PGlite data dir plus tsx start-up took over 90 s at load 30.
      await vi.waitFor(async () => expect((await healthz()).mqtt.connected).toBe(true), {
        timeout: 180_000,
        interval: 250,
      });
      // 1. Central up: 100 uplinks go through.
      const a = uplinks(100);
      await send(a, 0);
      await vi.waitFor(() => expect(delivered()).toBe(100), { timeout: 60_000, interval: 200 });

      // 2. Central down; 150 uplinks; the agent is SIGKILLed at a random moment in the middle.
      let endOutage!: () => void;
      const outage = new Promise<void>((resolve) => {
        endOutage = resolve;
      });
      const down = h!.nats.restart({ until: outage });
      await vi.waitFor(async () => expect((await healthz()).services.central.connected).toBe(false), {
        timeout: 30_000,
        interval: 200,
      });
      const b = uplinks(150);
      const killAt = 20 + Math.floor(Math.random() * 110);
      await send(b.slice(0, killAt), 100);
      agent.child.kill('SIGKILL');
      expect(await agent.exited).toBe('SIGKILL');
      logs.push(agent.output());
      await send(b.slice(killAt), 100 + killAt); // the broker holds these for the agent's session
      agent = start();
      // Restarted while the centre is still down: everything of step 2 is in its outbox, nothing left.
      // The count rises while the broker hands the agent the uplinks it held, so one reading of 150 can
      // be a count on its way up (e.g. 100 unacked events of step 1 + 50 of step 2): it must read 150
      // and still read 150 after two more refreshes of /healthz (every 2 s).
      await vi.waitFor(
        async () => {
          expect((await healthz()).services.central.outbox_pending).toBe(150);
          await new Promise((r) => setTimeout(r, 4_500));
          expect((await healthz()).services.central.outbox_pending).toBe(150);
        },
        { timeout: 120_000, interval: 250 },
      );
      expect(delivered()).toBe(100);

      // 3. Central back: the outbox backfills.
      endOutage();
      await down;
      await waitForCount(250, { a, b });
      const c = uplinks(50);
      await send(c, 250);
      await waitForCount(300, { a, b, c });
      await vi.waitFor(async () => expect((await healthz()).services.central.outbox_pending).toBe(0), {
        timeout: 30_000,
        interval: 250,
      });

      // 4. Graceful stop.
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      logs.push(agent.output());

      const source = `/sites/${SITE}/chirpstack`;
      expect([...seen().keys()].sort()).toEqual(
        [...a, ...b, ...c].map((id) => `${source} up.${DEVICE.devEui}.${id}`).sort(),
      );
      // 0 twice: the stream stored each event once (the agent's dedup ids held across the kill);
      // redeliveries by the server after its restart are JetStream's at-least-once, shown for the record.
      expect(await streamMessages()).toBe(300);
      const redelivered = [...seen().values()].filter((n) => n > 1).length;
      if (redelivered > 0) console.log(`JetStream redelivered ${redelivered} events after its restart`);
      // Structured logs (pino JSON lines), and the MQTT password in none of them.
      const text = logs.join('\n');
      expect(text).not.toContain(PASSWORD);
      const lines = text
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; name: string });
      expect(lines.every((l) => l.name === 'fieldops-agent')).toBe(true);
      expect(lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining([
          'fieldops-agent started',
          'central bus connected, relay started',
          'stopping',
          'fieldops-agent stopped',
        ]),
      );
    } catch (e) {
      console.log(`agent output (last 5,000 characters):\n${agent.output().slice(-5_000)}`);
      throw e;
    } finally {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
    }
  }, 400_000);
});
