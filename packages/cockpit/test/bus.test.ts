// The cockpit fed from the bus (issue 17 item 2): a `@fieldops/bus` consumer with its inbox (PGlite)
// runs `cockpitHandlers`, the events come from a site's outbox through the relay, and an SSE client
// of the cockpit sees them as deltas. Once in-process (the memory bus), once over a real nats-server
// (JetStream durable): events published while the cockpit's consumer is down arrive when it is back.
import { createConsumer, createMemoryBus, createOutbox, createRelay, migrate } from '@fieldops/bus';
import { createJetStreamBus } from '@fieldops/bus/nats';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { missingServer, startNats } from '@fieldops/bus/testing';
import { buildEvent } from '@fieldops/contracts/events/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { cockpitHandlers, createCockpit, createCockpitListener, type FleetView } from '../src/index.js';
import { listen } from './support/server.js';
import { openSse } from './support/sse.js';

const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
const GW = ['0016c001ff10a235', '0016c001ff10a236'];

const view: FleetView = {
  sites: async () => [{ site_id: SITE, stale: false }],
  gateways: async () =>
    GW.map((eui, i) => ({
      site_id: SITE,
      gateway_eui: eui,
      name: `mast ${i}`,
      state: 'online' as const,
      last_seen_at: null,
    })),
  devices: async () => [],
};

const gatewayEvent = (eui: string, state: 'offline' | 'online', n: number) =>
  buildEvent(
    `io.fieldops.chirpstack.gateway.${state}.v1`,
    {
      gateway_eui: eui,
      site_id: SITE as never,
      name: 'mast',
      state,
      previous_state: state === 'offline' ? 'online' : 'offline',
      last_seen_at: null,
    },
    {
      source: '/sites/test/chirpstack',
      id: `evt-${eui}-${n}`,
      time: new Date(Date.UTC(2026, 11, 1, 6, 0, n)).toISOString(),
    },
  );

const until = async (check: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`cockpit bus test: condition not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

/** A cockpit with an SSE client on the fleet surface, and the site's outbox. */
async function setup() {
  const cockpit = createCockpit({ fleet: view, siteNames: { [SITE]: 'Chiang Mai farm' } });
  await cockpit.loadFleet();
  const listener = createCockpitListener({ cockpit, heartbeatMs: 60_000 });
  const server = await listen(listener);
  const client = await openSse(`${server.url}/cockpit/stream?surfaces=fleet,site-${SITE}`);
  stops.push(
    server.close,
    () => listener.close(),
    () => cockpit.close(),
    () => client.close(),
  );
  const siteDb = await createPgliteDatabase();
  await migrate(siteDb);
  const inbox = await createPgliteDatabase();
  await migrate(inbox);
  stops.push(
    () => siteDb.close(),
    () => inbox.close(),
  );
  const shows = (text: string) => client.waitFor((e) => JSON.stringify(e.data).includes(text), 60_000);
  return { cockpit, siteDb, inbox, shows, outbox: createOutbox({ db: siteDb }) };
}

describe('cockpit fed from the bus', () => {
  it('applies the events of an in-process bus through a consumer with its inbox', async () => {
    const { cockpit, siteDb, inbox, shows, outbox } = await setup();
    const bus = createMemoryBus();
    const consumer = createConsumer({
      name: 'cockpit',
      db: inbox,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      handlers: cockpitHandlers(cockpit),
    });
    await consumer.start();
    const relay = createRelay({ db: siteDb, publisher: bus.publisher, outbox, pollIntervalMs: 20 });
    relay.start();
    stops.push(
      () => consumer.stop(),
      () => relay.stop(),
    );
    await outbox.append([gatewayEvent(GW[0]!, 'offline', 1)]);
    await shows('gateways: 1 online, 1 offline');
    expect(cockpit.state.sites.get(SITE)?.gateways.get(GW[0]!)?.state).toBe('offline');
  }, 240_000);

  it.skipIf(missingServer('nats'))(
    'follows a JetStream durable: events published while its consumer is down arrive when it is back, each applied once',
    async () => {
      const { cockpit, siteDb, inbox, shows, outbox } = await setup();
      const nats = await startNats();
      stops.push(() => nats.stop());
      const siteBus = await createJetStreamBus({ servers: nats.url, name: 'site' });
      const centreBus = await createJetStreamBus({ servers: nats.url, name: 'cockpit' });
      stops.push(
        () => siteBus.close(),
        () => centreBus.close(),
      );
      const relay = createRelay({ db: siteDb, publisher: siteBus.publisher, outbox, pollIntervalMs: 20 });
      relay.start();
      stops.push(() => relay.stop());
      const applied: string[] = [];
      const startConsumer = async () => {
        const consumer = createConsumer({
          name: 'cockpit',
          db: inbox,
          subscriber: centreBus.subscriber,
          deadLetters: centreBus.publisher,
          handlers: cockpitHandlers({
            ingest: (e) => {
              applied.push(`${e.type} ${(e as { id?: string }).id}`);
              return cockpit.ingest(e);
            },
          }),
        });
        await consumer.start();
        return consumer;
      };
      let consumer = await startConsumer();
      await outbox.append([gatewayEvent(GW[0]!, 'offline', 1)]);
      await shows('gateways: 1 online, 1 offline');

      // The cockpit's consumer goes away; both gateways change meanwhile; it comes back.
      await consumer.stop();
      await outbox.append([gatewayEvent(GW[1]!, 'offline', 2), gatewayEvent(GW[0]!, 'online', 3)]);
      await new Promise((r) => setTimeout(r, 500));
      expect(cockpit.state.sites.get(SITE)?.gateways.get(GW[1]!)?.state).toBe('online');
      consumer = await startConsumer();
      stops.push(() => consumer.stop());
      await shows('"path":"/gateways/1/state","value":"offline"');
      await until(() => applied.length >= 3);
      expect(cockpit.state.sites.get(SITE)?.gateways.get(GW[0]!)?.state).toBe('online');
      expect(cockpit.state.sites.get(SITE)?.gateways.get(GW[1]!)?.state).toBe('offline');
      expect(applied).toEqual([
        'io.fieldops.chirpstack.gateway.offline.v1 evt-0016c001ff10a235-1',
        'io.fieldops.chirpstack.gateway.offline.v1 evt-0016c001ff10a236-2',
        'io.fieldops.chirpstack.gateway.online.v1 evt-0016c001ff10a235-3',
      ]);
    },
    240_000,
  );

  it('refuses an event type without a version', () => {
    expect(() => cockpitHandlers(createCockpit(), ['io.fieldops.chirpstack.gateway.offline'])).toThrow(
      /io.fieldops.chirpstack.gateway.offline has no version suffix/,
    );
  });
});
