import pg from 'pg';
import { migrate, type SqlDatabase } from '../../src/index.js';
import { createPgDatabase } from '../../src/pg.js';
import { createPgliteDatabase } from '../../src/pglite.js';
import { startPostgres, type TestServer } from '../../src/testing.js';

/** A database engine the tests run on: PGlite (embedded) or a real PostgreSQL 15 server. */
export interface Engine {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, migrated, empty database. */
  open(): Promise<SqlDatabase>;
  close(): Promise<void>;
}

/**
 * PGlite in memory. Starting one costs seconds of WASM start-up on a loaded machine, so the file shares
 * one instance and each `open` wipes it (drops the bus schema and `public`) and migrates again.
 */
export function pgliteEngine(): Engine {
  let db: SqlDatabase | undefined;
  return {
    name: 'pglite',
    async open() {
      db ??= await createPgliteDatabase();
      await db.query('DROP SCHEMA IF EXISTS fieldops_bus CASCADE');
      await db.query('DROP SCHEMA IF EXISTS public CASCADE');
      await db.query('CREATE SCHEMA public');
      await migrate(db);
      return db;
    },
    async close() {
      await db?.close();
    },
  };
}

/** A PostgreSQL server started for the file; one new database per `open`. */
export function postgresEngine(): Engine {
  let server: TestServer | undefined;
  const opened: SqlDatabase[] = [];
  let n = 0;
  return {
    name: 'postgres',
    async open() {
      server ??= await startPostgres();
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      const name = `bus_${process.pid}_${++n}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const db = await createPgDatabase({
        connectionString: server.url.replace(/\/postgres$/, `/${name}`),
        max: 8,
      });
      await migrate(db);
      opened.push(db);
      return db;
    },
    async close() {
      for (const db of opened) await db.close();
      await server?.stop();
    },
  };
}
