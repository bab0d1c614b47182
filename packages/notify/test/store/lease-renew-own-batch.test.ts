// A replica whose renewal came late (its lease ran out, nobody took it) while one of its own fenced
// batches was committing: the renewal must keep the lease. Each fenced batch holds FOR KEY SHARE on the
// lease row (the fence of sql-store `write`); the takeover path's FOR UPDATE SKIP LOCKED skips a row so locked, so
// a renewal that went that way found "nothing to take" and, after three such tries, the engine stopped
// with "the engine lease could not be renewed" — with no other replica alive (the full-size fault run,
// 1 December 2026: the only replica exited 3 under load while its batches followed each other).
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPgNotifyStore } from '../../src/pg.js';
import type { NotifyStore } from '../../src/store/store.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

describe.skipIf(missingServer('postgres') !== undefined)('lease renewal during our own fenced batch', () => {
  let server: TestServer;
  let store: NotifyStore;
  beforeAll(async () => {
    server = await startPostgres();
    store = await createPgNotifyStore({ connectionString: server.url, max: 2 });
  });
  afterAll(async () => {
    await store?.close?.();
    await server?.stop();
  });

  it('an expired lease nobody took is renewed while a batch of ours holds the row (FOR KEY SHARE)', async () => {
    const leases = store.leases!;
    const fence = await leases.acquire('engine', 'replica-a', 300);
    expect(fence).toBeDefined();
    // A fenced batch of ours in progress: the lock a batch's fence takes, held across the expiry.
    const batch = new pg.Client({ connectionString: server.url });
    await batch.connect();
    try {
      await batch.query('BEGIN');
      const { rows } = await batch.query(
        'SELECT 1 FROM fieldops_notify.leases WHERE name = $1 AND owner = $2 AND token = $3 FOR KEY SHARE',
        ['engine', 'replica-a', fence!.token],
      );
      expect(rows).toHaveLength(1);
      // The lease runs out (database time), nobody takes it.
      await new Promise((r) => setTimeout(r, 600));
      const renewed = await leases.acquire('engine', 'replica-a', 10_000);
      expect(renewed).toEqual(fence);
      // A standby does not get it now: it is held again, until 10 s from the renewal.
      expect(await leases.acquire('engine', 'replica-b', 10_000)).toBeUndefined();
      await batch.query('COMMIT');
    } finally {
      await batch.end();
    }
  });
});
