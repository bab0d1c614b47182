// The embedded entry: loads `@electric-sql/pglite` (an optional peer) only through this entry.
export { createPgliteDatabase, type PgliteDatabaseOptions } from './sql/pglite-database.js';
