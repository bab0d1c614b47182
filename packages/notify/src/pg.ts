// The Postgres entry (`@fieldops/notify/pg`): loads `pg` (an optional peer) only through this entry.
import { createPgDatabase, type PgDatabaseOptions } from '@fieldops/bus/pg';
import { createSqlNotifyStore } from './store/sql/sql-store.js';
import type { NotifyStore } from './store/store.js';

/** Options of {@link createPgNotifyStore}: an existing `pg` Pool, or a connection string (+ Pool options). */
export type PgNotifyStoreOptions = PgDatabaseOptions;

/**
 * A NotifyStore on PostgreSQL (schema `fieldops_notify`, migrated on open). Several replicas may share
 * it: the engine takes the `engine` lease before it runs due work (see the README's two-replica example).
 */
export async function createPgNotifyStore(options: PgNotifyStoreOptions): Promise<NotifyStore> {
  const db = await createPgDatabase(options);
  if ('pool' in options) return createSqlNotifyStore(db, { ownsDatabase: false });
  // The engine lease on a connection of its own: a renewal never waits for a pool slot behind the
  // store's reads and batches (under load that wait cost replicas their lease).
  const leaseDatabase = await createPgDatabase({ ...options, max: 1 });
  return createSqlNotifyStore(db, { ownsDatabase: true, leaseDatabase }).catch(async (err: unknown) => {
    await Promise.allSettled([leaseDatabase.close(), db.close()]);
    throw err;
  });
}

export { NOTIFY_MIGRATIONS, NOTIFY_SCHEMA } from './store/sql/schema.js';
