// The three stores every store test runs on: memory, PGlite (embedded) and a real PostgreSQL 15.

import { PGlite } from '@electric-sql/pglite';
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import pg from 'pg';
import { createPgNotifyStore } from '../../src/pg.js';
import { createPgliteNotifyStore } from '../../src/pglite.js';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import type { NotifyStore } from '../../src/store/store.js';

/** A kind of store the suite runs on. */
export interface StoreKind {
  readonly name: 'memory' | 'pglite' | 'postgres';
  /** Why it cannot run here (a missing server binary outside CI), or undefined. */
  readonly skip: string | undefined;
  /** A fresh, empty store; `second` opens another handle on the same data (a second process). */
  open(): Promise<{ store: NotifyStore; second(): Promise<NotifyStore> }>;
  close(): Promise<void>;
}

/** Memory: `second` is the same object (nothing else can share it). */
export function memoryKind(): StoreKind {
  return {
    name: 'memory',
    skip: undefined,
    async open() {
      const store = new MemoryNotifyStore();
      return { store, second: async () => store };
    },
    async close() {},
  };
}

/**
 * PGlite in memory. Starting one costs seconds of WASM start-up on a loaded machine, so the file shares
 * one instance and each `open` drops the notify schema (the store migrates it again).
 */
export function pgliteKind(): StoreKind {
  let db: PGlite | undefined;
  return {
    name: 'pglite',
    skip: undefined,
    async open() {
      db ??= await PGlite.create();
      await db.query('DROP SCHEMA IF EXISTS fieldops_notify CASCADE');
      const pglite = db;
      const store = await createPgliteNotifyStore({ pglite });
      return { store, second: () => createPgliteNotifyStore({ pglite }) };
    },
    async close() {
      await db?.close();
    },
  };
}

/** A PostgreSQL server for the file; a new database per `open`, `second` is a new pool on it. */
export function postgresKind(): StoreKind {
  let server: TestServer | undefined;
  const opened: NotifyStore[] = [];
  let n = 0;
  return {
    name: 'postgres',
    skip: missingServer('postgres'),
    async open() {
      server ??= await startPostgres();
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      const name = `notify_${process.pid}_${++n}`;
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = server.url.replace(/\/postgres$/, `/${name}`);
      const make = async () => {
        const s = await createPgNotifyStore({ connectionString: url, max: 4 });
        opened.push(s);
        return s;
      };
      return { store: await make(), second: make };
    },
    async close() {
      for (const s of opened) await s.close?.();
      await server?.stop();
    },
  };
}
