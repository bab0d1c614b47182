// A fenced batch is one statement (sql-store `write`): the fence (the lease row, FOR KEY SHARE), the
// upserts and the deletes in one round trip. A batch that reaches the lease row while a takeover holds
// it (FOR UPDATE, owner and token being changed) waits; once the takeover commits, READ COMMITTED
// re-reads the row, which no longer matches the fence: the batch must write nothing and say so.
// PostgreSQL docs, "Row-Level Locks" (FOR KEY SHARE conflicts with FOR UPDATE) and "READ COMMITTED
// Isolation Level" (a waiting locking clause re-evaluates its WHERE on the updated row version).
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotifyLeaseLostError } from '../../src/errors.js';
import { createPgNotifyStore } from '../../src/pg.js';
import type { NotifyStore } from '../../src/store/store.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

describe.skipIf(missingServer('postgres') !== undefined)('a fenced batch against a takeover', () => {
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

  it('waits for a takeover in progress, then writes nothing and reports the lease lost', async () => {
    const fence = await store.leases!.acquire('engine', 'replica-a', 60_000);
    expect(fence).toBeDefined();
    await store.write([{ collection: 'alerts', key: 'before', value: '{"n":1}' }], { fence: fence! });
    const takeover = new pg.Client({ connectionString: server.url });
    await takeover.connect();
    try {
      // What the takeover path does, held open: the row under FOR UPDATE, owner and token changed.
      await takeover.query('BEGIN');
      await takeover.query(`SELECT 1 FROM fieldops_notify.leases WHERE name = 'engine' FOR UPDATE`);
      await takeover.query(
        `UPDATE fieldops_notify.leases SET owner = 'replica-b', token = token + 1 WHERE name = 'engine'`,
      );
      let settled = false;
      const batch = store
        .write(
          [
            { collection: 'alerts', key: 'after', value: '{"n":2}' },
            { collection: 'alerts', key: 'before', value: undefined },
          ],
          { fence: fence! },
        )
        .finally(() => {
          settled = true;
        });
      batch.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      expect(settled, 'the batch waits for the takeover holding the lease row').toBe(false);
      await takeover.query('COMMIT');
      await expect(batch).rejects.toBeInstanceOf(NotifyLeaseLostError);
      // Nothing of the batch: neither its upsert nor its delete.
      expect(await store.get('alerts', 'after')).toBeUndefined();
      expect(await store.get('alerts', 'before')).toEqual({ n: 1 });
    } finally {
      await takeover.end();
    }
  });

  it('a batch without a fence upserts and deletes in one statement, all or nothing', async () => {
    await store.write([
      { collection: 'groups', key: 'g1', value: '{"g":1}' },
      { collection: 'groups', key: 'g2', value: '{"g":2}' },
    ]);
    await store.write([
      { collection: 'groups', key: 'g1', value: undefined },
      { collection: 'groups', key: 'g3', value: '{"g":3}' },
    ]);
    expect((await store.list<{ g: number }>('groups')).map((d) => d.g).sort()).toEqual([2, 3]);
    // A value the database refuses (not valid UTF-8 text: NUL) fails the whole statement: g4 is not written either.
    await expect(
      store.write([
        { collection: 'groups', key: 'g4', value: '{"g":4}' },
        { collection: 'groups', key: 'g5', value: 'bad\u0000' },
      ]),
    ).rejects.toThrow();
    expect(await store.get('groups', 'g4')).toBeUndefined();
  });
});
