import type { PGlite } from '@electric-sql/pglite';
import { loadPeer } from '../internal/load-peer.js';
import type { SqlDatabase, SqlExecutor } from './types.js';

/** Options of {@link createPgliteDatabase}: an existing PGlite, or a data directory (omit for in-memory). */
export type PgliteDatabaseOptions = { readonly pglite: PGlite } | { readonly dataDir?: string };

/** Wraps PGlite (embedded WASM Postgres) as the bus's SqlDatabase; loads `@electric-sql/pglite` when it creates one. */
export async function createPgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<SqlDatabase> {
  let db: PGlite;
  let owned = false;
  if ('pglite' in options) db = options.pglite;
  else {
    const mod = await loadPeer(
      '@electric-sql/pglite',
      '@fieldops/bus/pglite',
      () => import('@electric-sql/pglite'),
    );
    db = options.dataDir ? new mod.PGlite(options.dataDir) : new mod.PGlite();
    owned = true;
  }
  await db.waitReady;
  return {
    dialect: 'pglite',
    query: (text, params) => db.query(text, params as unknown[]),
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx));
    },
    async close() {
      if (owned) await db.close();
    },
  };
}
