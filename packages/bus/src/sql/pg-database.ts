import type { Pool, PoolClient, PoolConfig } from 'pg';
import { loadPeer } from '../internal/load-peer.js';
import type { SqlDatabase, SqlExecutor } from './types.js';

/** Options of {@link createPgDatabase}: an existing `pg` Pool, or what is needed to make one. */
export type PgDatabaseOptions =
  | { readonly pool: Pool }
  | ({ readonly connectionString: string } & PoolConfig);

/** Wraps a `pg` Pool as the bus's SqlDatabase (loads `pg` only when it has to create the pool). */
export async function createPgDatabase(options: PgDatabaseOptions): Promise<SqlDatabase> {
  let pool: Pool;
  let owned = false;
  if ('pool' in options) pool = options.pool;
  else {
    const pg = await loadPeer('pg', '@fieldops/bus/pg', () => import('pg'));
    const PoolClass = (pg as unknown as { default?: typeof pg }).default?.Pool ?? pg.Pool;
    pool = new PoolClass(options);
    owned = true;
  }
  // An idle client that loses its server emits 'error' on the pool; without a listener Node exits.
  pool.on('error', () => {});
  return {
    dialect: 'postgres',
    query: (text, params) => pool.query(text, params as unknown[]),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client: PoolClient = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        broken = error;
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        // A client whose transaction failed may be in an unknown state: drop it instead of reusing it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}
