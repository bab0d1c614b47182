// The Postgres entry: loads `pg` (an optional peer) only through this entry.
export { createPgDatabase, type PgDatabaseOptions } from './sql/pg-database.js';
