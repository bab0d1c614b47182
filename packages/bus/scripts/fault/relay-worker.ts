// Fault test child: one relay from the Postgres outbox to JetStream, until killed.
import { createRelay } from '../../src/index.js';
import { createJetStreamBus } from '../../src/nats.js';
import { createPgDatabase } from '../../src/pg.js';

const [pgUrl, natsUrl, publishedRows] = process.argv.slice(2) as [string, string, 'keep' | 'delete'];
const db = await createPgDatabase({ connectionString: pgUrl, max: 4 });
const bus = await createJetStreamBus({ servers: natsUrl, publishTimeoutMs: 2_000 });
const relay = createRelay({
  db,
  publisher: bus.publisher,
  batchSize: 500,
  publishedRows,
  pollIntervalMs: 20,
  backoff: { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'equal' },
});
relay.start();
process.send?.('ready');
