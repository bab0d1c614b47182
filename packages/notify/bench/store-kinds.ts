// The stores the durable benches run on: memory, PGlite on a data directory, and a real PostgreSQL 15
// started for the run (`startPostgres`; skipped with a message when its binary is missing).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import { createPgNotifyStore } from '../src/pg.js';
import { createPgliteNotifyStore } from '../src/pglite.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import type { NotifyStore } from '../src/store/store.js';

/** A store opened for one run, and how to close it (and remove its data). */
export interface OpenedStore {
  store: NotifyStore;
  close(): Promise<void>;
}

/** A kind of store: `open` gives a fresh, empty one each time. */
export interface BenchStoreKind {
  name: 'memory' | 'PGlite' | 'Postgres';
  open(): Promise<OpenedStore>;
}

/** The Postgres server of the run, started on first use; `stopBenchPostgres` stops it. */
let server: Promise<TestServer> | undefined;
let databases = 0;

/**
 * The store kinds available here (all, or those named in NOTIFY_BENCH_STORES, e.g. `memory,PGlite`),
 * and why Postgres is left out when it is.
 */
export function benchStoreKinds(): { kinds: BenchStoreKind[]; skipped: string | undefined } {
  const only = process.env.NOTIFY_BENCH_STORES?.split(',').map((s) => s.trim().toLowerCase());
  const all = benchStoreKindsAll();
  return { ...all, kinds: all.kinds.filter((k) => !only || only.includes(k.name.toLowerCase())) };
}

function benchStoreKindsAll(): { kinds: BenchStoreKind[]; skipped: string | undefined } {
  const kinds: BenchStoreKind[] = [
    { name: 'memory', open: async () => ({ store: new MemoryNotifyStore(), close: async () => {} }) },
    {
      name: 'PGlite',
      open: async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'notify-bench-'));
        const store = await createPgliteNotifyStore({ dataDir: dir });
        return {
          store,
          close: async () => {
            await store.close?.();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  const skipped = missingServer('postgres');
  if (!skipped) {
    kinds.push({
      name: 'Postgres',
      open: async () => {
        server ??= startPostgres();
        const s = await server;
        // A database per run, so every run starts empty.
        const name = `bench_${++databases}`;
        const admin = await createPgNotifyStoreAdmin(s.url);
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const store = await createPgNotifyStore({ connectionString: s.url.replace(/\/[^/]*$/, `/${name}`) });
        return { store, close: async () => store.close?.() };
      },
    });
  }
  return { kinds, skipped };
}

async function createPgNotifyStoreAdmin(
  url: string,
): Promise<{ query(sql: string): Promise<unknown>; end(): Promise<void> }> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Stops the run's Postgres server, if one was started. */
export async function stopBenchPostgres(): Promise<void> {
  if (server) await (await server).stop();
  server = undefined;
}
