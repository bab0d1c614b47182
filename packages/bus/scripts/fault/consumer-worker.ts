// Fault test child: a durable JetStream consumer applying events to its store through the inbox, until killed.
import { createConsumer } from '../../src/index.js';
import { createJetStreamBus } from '../../src/nats.js';
import { createPgDatabase } from '../../src/pg.js';

const [pgUrl, natsUrl] = process.argv.slice(2) as [string, string];
const db = await createPgDatabase({ connectionString: pgUrl, max: 4 });
const bus = await createJetStreamBus({ servers: natsUrl });
const consumer = createConsumer({
  name: 'fault-store',
  db,
  subscriber: bus.subscriber,
  deadLetters: bus.publisher,
  ackWaitMs: 5_000,
  // Copies the inbox drops never reach the handler: count them here.
  onOutcome: (outcome, d) => {
    if (outcome === 'duplicate')
      void db.query('INSERT INTO dropped_copies (attempt) VALUES ($1)', [d.attempt]).catch(() => {});
  },
  handlers: {
    'io.fieldops.registry.device.changed': {
      1: async (event, { tx, attempt }) => {
        // No unique constraint here on purpose: an event applied twice would show as two rows.
        await tx.query('INSERT INTO store (source, id, attempt) VALUES ($1, $2, $3)', [
          event.source,
          event.id,
          attempt,
        ]);
      },
    },
  },
});
await consumer.start();
process.send?.('ready');
