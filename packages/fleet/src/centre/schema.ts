import type { SqlExecutor } from '@fieldops/bus';

/** The central mirror's tables: one schema for Postgres and PGlite. */
export const FLEET_SCHEMA = 'fieldops_fleet';

const STATEMENTS = [
  `CREATE SCHEMA IF NOT EXISTS ${FLEET_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${FLEET_SCHEMA}.sites (
     site_id text PRIMARY KEY,
     epoch text NOT NULL,
     last_sequence bigint NOT NULL,
     full_run bigint,
     first_sync_at timestamptz NOT NULL,
     last_sync_at timestamptz NOT NULL,
     last_produced_at timestamptz NOT NULL,
     last_full_at timestamptz,
     source jsonb
   )`,
  `CREATE TABLE IF NOT EXISTS ${FLEET_SCHEMA}.entities (
     site_id text NOT NULL,
     kind text NOT NULL,
     key text NOT NULL,
     hash text NOT NULL,
     data jsonb NOT NULL,
     seen_in_full bigint,
     removed_at timestamptz,
     updated_at timestamptz NOT NULL,
     PRIMARY KEY (site_id, kind, key)
   )`,
  `CREATE INDEX IF NOT EXISTS entities_by_kind ON ${FLEET_SCHEMA}.entities (kind, site_id)`,
];

/** Creates the mirror's schema (idempotent). */
export async function migrateFleet(db: SqlExecutor): Promise<void> {
  for (const sql of STATEMENTS) await db.query(sql);
}
