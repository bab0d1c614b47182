// The notify schema: one source for Postgres and PGlite (PGlite is Postgres compiled to WASM), run
// through the bus's migration runner so both packages migrate the same way.
import type { MigrationSet } from '@fieldops/bus';

/** The Postgres schema every notify table lives in. */
export const NOTIFY_SCHEMA = 'fieldops_notify';

/** The ordered migrations of the notify schema. Never edit a shipped one; add the next. */
export const NOTIFY_MIGRATIONS: MigrationSet = {
  schema: NOTIFY_SCHEMA,
  // Any constant works; it only has to differ from the bus's and be the same in every process.
  lockKey: 7_243_020,
  migrations: [
    {
      version: 1,
      description: 'documents and leases',
      statements: [
        // The engine's state: one JSON document per (collection, key). Text, not jsonb: the engine
        // never queries inside a document, and text costs no parse on the hot write path.
        `CREATE TABLE ${NOTIFY_SCHEMA}.documents (
          collection text NOT NULL,
          key text NOT NULL,
          value text NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (collection, key)
        )`,
        // Replicas: who runs the due work now. `token` grows with every takeover (a fencing token).
        `CREATE TABLE ${NOTIFY_SCHEMA}.leases (
          name text PRIMARY KEY,
          owner text NOT NULL,
          token bigint NOT NULL,
          expires_at timestamptz NOT NULL
        )`,
      ],
    },
  ],
};
