import { isContractError } from '@fieldops/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUS_SCHEMA,
  createMemoryBus,
  createOutbox,
  createRelay,
  decodeEvent,
  migrate,
  type Publisher,
} from '../../src/index.js';
import { missingServer } from '../../src/testing.js';
import { watchClaims } from '../helpers/claims.js';
import { type Engine, pgliteEngine, postgresEngine } from '../helpers/databases.js';
import { deviceChanged } from '../helpers/events.js';

const engines: [string, () => Engine, string | undefined][] = [
  ['pglite', pgliteEngine, undefined],
  ['postgres', postgresEngine, missingServer('postgres')],
];

for (const [label, makeEngine, skip] of engines) {
  describe.skipIf(skip)(`outbox and relay on ${label}`, () => {
    const engine = makeEngine();
    afterAll(() => engine.close());

    it('migrates idempotently: running the migrations twice keeps one schema version', async () => {
      const db = await engine.open();
      await migrate(db);
      const { rows } = await db.query(`SELECT version FROM ${BUS_SCHEMA}.migrations ORDER BY version`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
    });

    it("appends inside the caller's transaction: a rollback leaves no event, a commit leaves it", async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      await db.transaction(async (tx) => {
        await tx.query('CREATE TABLE devices (id text primary key)');
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO devices VALUES ('dev_a')");
          await outbox.append(deviceChanged(), { tx });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await outbox.pendingCount()).toBe(0);
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO devices VALUES ('dev_b')");
        await outbox.append([deviceChanged(), deviceChanged()], { tx });
      });
      expect(await outbox.pendingCount()).toBe(2);
    });

    it('skips an event already appended (same source + id) and reports it as a duplicate', async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      const e = deviceChanged();
      expect(await outbox.append(e)).toEqual({ appended: 1, duplicates: 0 });
      expect(await outbox.append([e, deviceChanged()])).toEqual({ appended: 1, duplicates: 1 });
      expect(await outbox.pendingCount()).toBe(2);
    });

    it('refuses a bad event with the contract, version and field path, writing nothing of the batch', async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      const bad = deviceChanged({ data: { device_id: 'nope', change: 'updated' } });
      const error = await outbox.append([deviceChanged(), bad]).catch((e: unknown) => e);
      expect(isContractError(error)).toBe(true);
      expect((error as Error).message).toContain('events.v1.RegistryDeviceChanged');
      expect((error as Error).message).toContain('data.device_id');
      expect(await outbox.pendingCount()).toBe(0);
    });

    it('relays every event once with dedup id source + id and the subject of its type', async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      const bus = createMemoryBus();
      const events = Array.from({ length: 30 }, () => deviceChanged());
      await outbox.append(events);
      const relay = createRelay({ db, publisher: bus.publisher, batchSize: 7 });
      let published = 0;
      for (let pass = await relay.runOnce(); pass.claimed > 0; pass = await relay.runOnce())
        published += pass.published;
      expect(published).toBe(30);
      const messages = bus.messages();
      expect(messages.map((m) => m.id)).toEqual(events.map((e) => `${e.source} ${e.id}`));
      expect(new Set(messages.map((m) => m.subject))).toEqual(
        new Set(['fieldops.registry.device.changed.v1']),
      );
      expect(decodeEvent(messages[0]?.data as Uint8Array)).toEqual(events[0]);
      expect(await outbox.pendingCount()).toBe(0);
    });

    it('keeps failed publishes in the outbox with the error, and publishes them on a later pass', async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      const bus = createMemoryBus();
      let down = true;
      // A bus that is unreachable, then back: the third-party side of the relay.
      const flaky: Publisher = {
        async publishBatch(ms) {
          if (down) return ms.map(() => ({ ok: false as const, error: new Error('connection refused') }));
          return bus.publisher.publishBatch(ms);
        },
        async close() {},
      };
      await outbox.append([deviceChanged(), deviceChanged()]);
      const relay = createRelay({ db, publisher: flaky });
      expect(await relay.runOnce()).toEqual({ claimed: 2, published: 0, failed: 2, rejected: 0 });
      const { rows } = await db.query(`SELECT attempts, last_error FROM ${BUS_SCHEMA}.outbox ORDER BY seq`);
      expect(rows).toEqual([
        { attempts: 1, last_error: 'connection refused' },
        { attempts: 1, last_error: 'connection refused' },
      ]);
      down = false;
      expect(await relay.runOnce()).toEqual({ claimed: 2, published: 2, failed: 0, rejected: 0 });
      expect(bus.messages()).toHaveLength(2);
    });

    it("publishedRows: 'delete' deletes what the bus stored and keeps what failed, with its attempt and error", async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      const bus = createMemoryBus();
      const events = Array.from({ length: 5 }, () => deviceChanged());
      await outbox.append(events);
      const refused = `${events[1]?.source} ${events[1]?.id}`;
      // The bus stores every message but one, which it refuses for now.
      const partial: Publisher = {
        async publishBatch(ms) {
          const stored = await bus.publisher.publishBatch(ms.filter((m) => m.id !== refused));
          let next = 0;
          return ms.map((m) =>
            m.id === refused
              ? { ok: false as const, error: new Error('try later') }
              : (stored[next++] as (typeof stored)[number]),
          );
        },
        async close() {},
      };
      const relay = createRelay({ db, publisher: partial, publishedRows: 'delete' });
      expect(await relay.runOnce()).toEqual({ claimed: 5, published: 4, failed: 1, rejected: 0 });
      const { rows } = await db.query(
        `SELECT id, attempts, last_error, published_at FROM ${BUS_SCHEMA}.outbox`,
      );
      expect(rows).toEqual([{ id: events[1]?.id, attempts: 1, last_error: 'try later', published_at: null }]);
      const again = createRelay({ db, publisher: bus.publisher, publishedRows: 'delete' });
      expect(await again.runOnce()).toEqual({ claimed: 1, published: 1, failed: 0, rejected: 0 });
      expect((await db.query(`SELECT count(*)::int AS n FROM ${BUS_SCHEMA}.outbox`)).rows).toEqual([
        { n: 0 },
      ]);
      expect(new Set(bus.messages().map((m) => m.id)).size).toBe(5);
    });

    it('retention deletes published rows older than the window and keeps unpublished ones', async () => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      await outbox.append([deviceChanged(), deviceChanged(), deviceChanged()]);
      await db.query(
        `UPDATE ${BUS_SCHEMA}.outbox SET published_at = now() - interval '2 days' WHERE seq IN (SELECT seq FROM ${BUS_SCHEMA}.outbox ORDER BY seq LIMIT 2)`,
      );
      expect(await outbox.prunePublished(24 * 3600_000)).toBe(2);
      expect(await outbox.prunePublished(0)).toBe(0);
      expect(await outbox.pendingCount()).toBe(1);
    });
  });
}

describe.skipIf(missingServer('postgres'))('several relays on one Postgres outbox', () => {
  const engine = postgresEngine();
  afterAll(() => engine.close());

  it.each(['keep', 'delete'] as const)(
    'claims with FOR UPDATE SKIP LOCKED: three relays at once publish each of 3,000 events exactly once (publishedRows: %s)',
    async (publishedRows) => {
      const db = await engine.open();
      const outbox = createOutbox({ db });
      // Dedup off: a row published twice would show up twice here.
      const bus = createMemoryBus({ dedupWindowMs: 0 });
      const events = Array.from({ length: 3_000 }, () => deviceChanged());
      await outbox.append(events);
      // Slow publishes keep each claim's lock held while the other relays run.
      const slow: Publisher = {
        async publishBatch(ms) {
          await new Promise((r) => setTimeout(r, 5));
          return bus.publisher.publishBatch(ms);
        },
        async close() {},
      };
      const relays = [1, 2, 3].map(() => createRelay({ db, publisher: slow, batchSize: 50, publishedRows }));
      const counts = await Promise.all(
        relays.map(async (r) => {
          let n = 0;
          for (let p = await r.runOnce(); p.claimed > 0; p = await r.runOnce()) n += p.published;
          return n;
        }),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(3_000);
      expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
      const ids = bus.messages().map((m) => m.id);
      expect(ids).toHaveLength(3_000);
      expect(new Set(ids).size).toBe(3_000);
    },
  );

  /** A fresh outbox holding `n` events, a memory bus without dedup, and the database watched for claims. */
  async function outboxWithEvents(n: number) {
    const db = await engine.open();
    const outbox = createOutbox({ db });
    const bus = createMemoryBus({ dedupWindowMs: 0 });
    const events = Array.from({ length: n }, () => deviceChanged());
    await outbox.append(events);
    return { outbox, bus, events, ...watchClaims(db) };
  }

  it('drain overlaps passes: the next batch is claimed while one publishes, and the bus still gets every event once, in outbox order', async () => {
    const { db, claims, outbox, bus, events } = await outboxWithEvents(1_000);
    let overlapped = 0;
    const publisher: Publisher = {
      async publishBatch(ms) {
        // Hold this batch until the next pass has claimed its rows (or 10 s: then there is no overlap).
        const before = claims();
        for (let waited = 0; claims() === before && waited < 10_000; waited += 20)
          await new Promise((r) => setTimeout(r, 20));
        if (claims() > before) overlapped++;
        return bus.publisher.publishBatch(ms);
      },
      async close() {},
    };
    const relay = createRelay({ db, publisher, batchSize: 100 });
    expect(await relay.drain()).toEqual({ claimed: 1_000, published: 1_000, failed: 0, rejected: 0 });
    // 10 full batches: each of them saw the next claim happen during its publish (the last saw the empty one).
    expect(overlapped).toBe(10);
    expect(bus.messages().map((m) => m.id)).toEqual(events.map((e) => `${e.source} ${e.id}`));
    expect(await outbox.pendingCount()).toBe(0);
  }, 120_000);

  it('drain with one pass in flight does not overlap (passesInFlight: 1 is the strict sequence)', async () => {
    const { db, claims, bus } = await outboxWithEvents(300);
    const claimsSeenAtPublish: number[] = [];
    const publisher: Publisher = {
      async publishBatch(ms) {
        await new Promise((r) => setTimeout(r, 50));
        claimsSeenAtPublish.push(claims());
        return bus.publisher.publishBatch(ms);
      },
      async close() {},
    };
    const relay = createRelay({ db, publisher, batchSize: 100, passesInFlight: 1 });
    expect(await relay.drain()).toEqual({ claimed: 300, published: 300, failed: 0, rejected: 0 });
    expect(claimsSeenAtPublish).toEqual([1, 2, 3]);
  }, 120_000);
});
