import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, encodeEvent, type SqlDatabase, subjectForType } from '../../src/index.js';
import { createMqttBus, type MqttBus } from '../../src/mqtt.js';
import { missingServer, type RestartableServer, startMosquitto } from '../../src/testing.js';
import { pgliteEngine } from '../helpers/databases.js';
import { deviceChanged } from '../helpers/events.js';

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missingServer('mosquitto'))('MQTT at the site edge (Mosquitto)', () => {
  let broker: RestartableServer;
  const engine = pgliteEngine();
  let db: SqlDatabase;
  beforeAll(async () => {
    broker = await startMosquitto();
    db = await engine.open();
    await db.query('CREATE TABLE applied (source text, id text)');
  });
  afterAll(async () => {
    await engine.close();
    await broker?.stop();
  });

  const count = async () =>
    Number(((await db.query('SELECT count(*)::int AS n FROM applied')).rows[0] as { n: number }).n);
  const publish = (bus: MqttBus, events: ReturnType<typeof deviceChanged>[]) =>
    bus.publisher.publishBatch(
      events.map((e) => ({
        subject: subjectForType(e.type),
        id: `${e.source} ${e.id}`,
        data: encodeEvent(e),
        headers: {},
      })),
    );

  it('keeps QoS 1 messages for a durable (persistent session) while it is away, and applies each once', async () => {
    const bus = await createMqttBus({ url: broker.url, clientIdPrefix: 'edge' });
    let failNext = 1;
    const make = () =>
      createConsumer({
        name: 'site-agent',
        db,
        subscriber: bus.subscriber,
        deadLetters: bus.publisher,
        backoff: { baseDelayMs: 10, maxDelayMs: 50, jitter: 'none' as const },
        handlers: {
          'io.fieldops.registry.device.changed': {
            1: async (e, { tx }) => {
              await tx.query('INSERT INTO applied VALUES ($1, $2)', [e.source, e.id]);
              if (failNext-- > 0) throw new Error('first attempt fails');
            },
          },
        },
      });
    const first = make();
    await first.start();
    const a = deviceChanged();
    expect(await publish(bus, [a])).toEqual([{ ok: true, duplicate: false }]);
    await until(async () => (await count()) === 1);
    await first.stop();
    // Published while the durable is away: the broker queues them in its session.
    await publish(bus, [deviceChanged(), deviceChanged(), a]);
    const second = make();
    await second.start();
    await until(async () => (await count()) === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(3);
    await second.stop();
    await bus.close();
  });

  it('reports a publish as failed while the broker is down', async () => {
    const bus = await createMqttBus({ url: broker.url });
    const down = broker.restart({ downMs: 1_500 });
    await new Promise((r) => setTimeout(r, 300));
    const [outcome] = await publish(bus, [deviceChanged()]);
    expect(outcome?.ok).toBe(false);
    await down;
    await until(async () => (await publish(bus, [deviceChanged()]))[0]?.ok === true, 10_000);
    await bus.close();
  });
});
