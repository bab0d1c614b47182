// The embedded default: outbox in PGlite, in-process delivery, one consumer with an inbox.
// Run: pnpm --filter @fieldops/bus example
import { createConsumer, createMemoryBus, createOutbox, createRelay, migrate } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';

const db = await createPgliteDatabase(); // pass { dataDir: './data/bus' } to keep it on disk
await migrate(db);
await db.query('CREATE TABLE IF NOT EXISTS devices (id text PRIMARY KEY, name text)');
await db.query('CREATE TABLE IF NOT EXISTS changes_seen (device_id text, change text)');

const bus = createMemoryBus();
const outbox = createOutbox({ db });
const relay = createRelay({ db, publisher: bus.publisher, outbox });
const consumer = createConsumer({
  name: 'example',
  db,
  subscriber: bus.subscriber,
  deadLetters: bus.publisher,
  handlers: {
    // Every version this consumer understands; any other version goes to the dead letter.
    'io.fieldops.registry.device.changed': {
      1: async (event, { tx }) => {
        const data = event.data as { device_id: string; change: string };
        await tx.query('INSERT INTO changes_seen VALUES ($1, $2)', [data.device_id, data.change]);
      },
    },
  },
});
relay.start();
await consumer.start();

// The state change and its event commit together, or neither does.
await db.transaction(async (tx) => {
  await tx.query("INSERT INTO devices VALUES ('dev_0001', 'pump 1')");
  await outbox.append(
    {
      specversion: '1.0',
      id: 'evt-0001',
      source: '/sites/site_0001/registry',
      type: 'io.fieldops.registry.device.changed.v1',
      time: new Date().toISOString(),
      data: { device_id: 'dev_0001', change: 'created' },
    },
    { tx },
  );
});
relay.wake(); // an append in the caller's transaction is seen at the next poll; wake skips the wait

for (let i = 0; i < 100; i++) {
  const { rows } = await db.query('SELECT device_id, change FROM changes_seen');
  if (rows.length > 0) {
    console.log('applied:', JSON.stringify(rows));
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
await consumer.stop();
await relay.stop();
await bus.close();
await db.close();
