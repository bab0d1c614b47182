import type { SqlDatabase } from './types.js';

/** The schema every bus table lives in. */
export const BUS_SCHEMA = 'fieldops_bus';

/** One migration: a version and its statements, run in one transaction. Never edit a shipped one. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

// One source for Postgres and PGlite: PGlite is Postgres compiled to WASM, so the same SQL runs on
// both; the tests run every migration on both engines.
/** The ordered migrations of the bus schema. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'outbox and inbox',
    statements: [
      `CREATE TABLE ${BUS_SCHEMA}.outbox (
        seq bigserial PRIMARY KEY,
        source text NOT NULL,
        id text NOT NULL,
        type text NOT NULL,
        subject text NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        UNIQUE (source, id)
      )`,
      `CREATE INDEX outbox_unpublished ON ${BUS_SCHEMA}.outbox (seq) WHERE published_at IS NULL`,
      `CREATE INDEX outbox_published_at ON ${BUS_SCHEMA}.outbox (published_at) WHERE published_at IS NOT NULL`,
      `CREATE TABLE ${BUS_SCHEMA}.inbox (
        consumer text NOT NULL,
        source text NOT NULL,
        id text NOT NULL,
        type text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, source, id)
      )`,
    ],
  },
  {
    version: 2,
    description: 'rejected outbox rows (a receiver refused the event itself)',
    statements: [
      `ALTER TABLE ${BUS_SCHEMA}.outbox ADD COLUMN rejected_at timestamptz`,
      `DROP INDEX ${BUS_SCHEMA}.outbox_unpublished`,
      `CREATE INDEX outbox_unpublished ON ${BUS_SCHEMA}.outbox (seq) WHERE published_at IS NULL AND rejected_at IS NULL`,
    ],
  },
];

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK = 7_243_019;

/** What {@link runMigrations} brings up to date: a schema, its ordered migrations and its lock key. */
export interface MigrationSet {
  /** The Postgres schema the tables live in (also holds the `migrations` table). */
  readonly schema: string;
  readonly migrations: readonly Migration[];
  /** A `pg_advisory_xact_lock` key unique to this schema, so concurrent starts migrate once. */
  readonly lockKey: number;
}

/**
 * Brings any schema to its latest migration in one transaction, under an advisory lock; the same code
 * for Postgres and PGlite. Other packages (notify) keep their own schema and migrations through it.
 */
export async function runMigrations(db: SqlDatabase, set: MigrationSet): Promise<number> {
  const { schema, migrations, lockKey } = set;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query(`SELECT coalesce(max(version), 0)::int AS v FROM ${schema}.migrations`);
    const current = Number((rows[0] as { v: number }).v);
    for (const m of migrations) {
      if (m.version <= current) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query(`INSERT INTO ${schema}.migrations (version, description) VALUES ($1, $2)`, [
        m.version,
        m.description,
      ]);
    }
    return migrations.at(-1)?.version ?? 0;
  });
}

/** Brings the bus schema to the latest version; safe to call from several processes at once. */
export async function migrate(db: SqlDatabase): Promise<number> {
  return runMigrations(db, { schema: BUS_SCHEMA, migrations: MIGRATIONS, lockKey: MIGRATION_LOCK });
}
