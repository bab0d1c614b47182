// The embedded entry (`@fieldops/notify/pglite`): loads `@electric-sql/pglite` (an optional peer) only here.
import { createPgliteDatabase, type PgliteDatabaseOptions } from '@fieldops/bus/pglite';
import { createSqlNotifyStore } from './store/sql/sql-store.js';
import type { NotifyStore } from './store/store.js';

/** Options of {@link createPgliteNotifyStore}: a data directory (omit for in-memory) or an open PGlite. */
export type PgliteNotifyStoreOptions = PgliteDatabaseOptions;

/**
 * A NotifyStore on PGlite (embedded WASM Postgres, no server): the default of `fieldops-notify`. The
 * same schema and migrations as Postgres; one process at a time per data directory.
 */
export async function createPgliteNotifyStore(options: PgliteNotifyStoreOptions = {}): Promise<NotifyStore> {
  const db = await createPgliteDatabase(options);
  return createSqlNotifyStore(db, { ownsDatabase: !('pglite' in options) });
}

export { NOTIFY_MIGRATIONS, NOTIFY_SCHEMA } from './store/sql/schema.js';
