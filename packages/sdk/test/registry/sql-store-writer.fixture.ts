// A registry writer for sql-store-kill.test.ts: device writes through the SQL registry store (events
// appended in the write's transaction) and an outbox relay to the test's HTTP receiver, in one process,
// until SIGKILLed, or, with STOP_AFTER, until that many writes are done and the outbox is drained.
import {
  createCloudEventsHttpPublisher,
  createOutbox,
  createRelay,
  migrate,
  type SqlDatabase,
} from '@fieldops/bus';
import { createPgDatabase } from '@fieldops/bus/pg';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { createSqlRegistryBackend, migrateRegistryStore } from '../../src/registry/index.js';
import { deviceBody } from './fixtures.js';

const { KIND, DB, RECEIVER, STOP_AFTER } = process.env;
const db: SqlDatabase =
  KIND === 'postgres'
    ? await createPgDatabase({ connectionString: DB!, max: 4 })
    : await createPgliteDatabase({ dataDir: DB! });
await migrate(db);
await migrateRegistryStore(db);
const outbox = createOutbox({ db });
const backend = createSqlRegistryBackend({ db, events: outbox });
// A slow poll keeps committed-but-unpublished rows in the outbox at most moments of a kill.
const relay = createRelay({
  db,
  publisher: createCloudEventsHttpPublisher({ url: RECEIVER! }),
  pollIntervalMs: 50,
  batchSize: 50,
});
relay.start();
const stopAfter = STOP_AFTER ? Number(STOP_AFTER) : Number.POSITIVE_INFINITY;
for (let n = 1; n <= stopAfter; n++) {
  const id = `dev_${(n % 16).toString(16).padStart(4, '0')}kill`;
  const exists = await backend.getDevice(id).then(
    () => true,
    () => false,
  );
  if (!exists || n % 3 === 0)
    await backend.putDevice(id, deviceBody(id, { product_version: `1.0.${n % 100}` }), {});
  else
    await backend.patchObservedState(
      id,
      { observed_at: new Date().toISOString(), source: 'manual', data: { n } },
      {},
    );
  process.stdout.write(`wrote ${n}\n`);
}
while ((await outbox.pendingCount()) > 0) await new Promise((r) => setTimeout(r, 50));
await relay.stop();
await db.close();
process.stdout.write('drained\n');
