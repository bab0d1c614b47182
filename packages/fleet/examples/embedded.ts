// A site and the centre in one process: a (fake) site ChirpStack, the site's fleet syncer writing
// to its outbox, an in-process bus, and the centre's mirror in PGlite. Swap createMemoryBus for
// createJetStreamBus (@fieldops/bus/nats) and PGlite for Postgres (@fieldops/bus/pg) in production.
import { createMemoryBus, createOutbox, createRelay, migrate } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import {
  createFleetStore,
  createFleetSyncer,
  createMemorySyncState,
  migrateFleet,
  startFleetMirror,
} from '@fieldops/fleet';
import { createChirpStackClient } from '@fieldops/sdk/chirpstack';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';

/** Runs the example; returns what the centre shows. */
export async function main(log: (line: string) => void = console.log) {
  const chirpstack = await startFakeChirpStack(); // your site's ChirpStack: host:port and an API token
  const client = createChirpStackClient({
    target: chirpstack.target,
    apiToken: chirpstack.apiToken,
    readOnly: true,
  });
  const bus = createMemoryBus();
  const siteDb = await createPgliteDatabase();
  const centreDb = await createPgliteDatabase();
  try {
    // A tenant with one application, made here so the site has something to sync.
    const admin = createChirpStackClient({ target: chirpstack.target, apiToken: chirpstack.apiToken });
    const tenantId = await admin.createTenant({ name: 'plant-1' });
    await admin.createApplication({ tenant_id: tenantId, name: 'sensors' });
    admin.close();

    await migrate(siteDb);
    const outbox = createOutbox({ db: siteDb });
    const relay = createRelay({ db: siteDb, publisher: bus.publisher, outbox });
    await migrate(centreDb);
    await migrateFleet(centreDb);
    const consumer = await startFleetMirror({ db: centreDb, bus });
    relay.start();

    const syncer = createFleetSyncer({
      client,
      siteId: 'site_01JD0000000000000000000001',
      state: createMemorySyncState(),
    });
    const round = await syncer.round(async (events) => {
      await outbox.append(events);
    });
    log(`sent ${round.batches} batch(es), full: ${round.full}, ${round.bytes} bytes`);

    const store = createFleetStore({ db: centreDb });
    let sites = await store.sites();
    for (let i = 0; i < 200 && sites[0]?.last_sequence !== round.sequences[1]; i++) {
      await new Promise((r) => setTimeout(r, 25));
      sites = await store.sites();
    }
    for (const s of sites)
      log(`${s.site_id}: sequence ${s.last_sequence}, last sync ${s.last_sync_at}, stale ${s.stale}`);
    await relay.stop();
    await consumer.stop();
    return sites;
  } finally {
    client.close();
    await chirpstack.stop();
    await siteDb.close();
    await centreDb.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
