/** Any SQL handle the registry store can run one parameterised statement on (`pg` Client/Pool, PGlite, a transaction). */
export interface RegistrySqlExecutor {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A database handle with transactions: `@fieldops/bus`'s `createPgDatabase` / `createPgliteDatabase` fit. */
export interface RegistrySqlDatabase extends RegistrySqlExecutor {
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: RegistrySqlExecutor) => Promise<T>): Promise<T>;
}

/** The schema holding the registry store's tables. */
export const REGISTRY_SCHEMA = 'fieldops_registry';

// One source for Postgres and PGlite (PGlite is Postgres): every statement is idempotent, and the
// advisory lock keeps two processes starting at once from racing on CREATE.
const STATEMENTS = [
  'SELECT pg_advisory_xact_lock(hashtext($1))',
  `CREATE SCHEMA IF NOT EXISTS ${REGISTRY_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${REGISTRY_SCHEMA}.devices (
     device_id text PRIMARY KEY,
     revision integer NOT NULL,
     body jsonb NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${REGISTRY_SCHEMA}.deployment_specs (deployment_id text PRIMARY KEY, spec jsonb NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${REGISTRY_SCHEMA}.runs (run_id text PRIMARY KEY, record jsonb NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${REGISTRY_SCHEMA}.tickets (seq bigserial PRIMARY KEY, ticket jsonb NOT NULL)`,
];

/** Creates the registry store's tables (idempotent; safe to call at every start, from several processes). */
export async function migrateRegistryStore(db: RegistrySqlDatabase): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [i, sql] of STATEMENTS.entries()) await tx.query(sql, i === 0 ? [REGISTRY_SCHEMA] : undefined);
  });
}
