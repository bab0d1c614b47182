// One suite, three stores: what the engine relies on from any NotifyStore.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NotifyLeaseLostError, NotifyStoreError } from '../../src/errors.js';
import type { NotifyStore, StoreWrite } from '../../src/store/store.js';
import { memoryKind, pgliteKind, postgresKind, type StoreKind } from '../support/stores.js';

// Real databases on a loaded 2-core machine: PGlite's WASM start alone can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const put = (collection: StoreWrite['collection'], key: string, doc: object): StoreWrite => ({
  collection,
  key,
  value: JSON.stringify(doc),
});
const del = (collection: StoreWrite['collection'], key: string): StoreWrite => ({
  collection,
  key,
  value: undefined,
});

for (const kind of [memoryKind(), pgliteKind(), postgresKind()] as StoreKind[]) {
  describe.skipIf(kind.skip !== undefined)(`NotifyStore on ${kind.name}`, () => {
    afterAll(() => kind.close(), 60_000);

    it('writes a batch, reads it back per collection, and a later write of a key wins', async () => {
      const { store } = await kind.open();
      await store.write([
        put('alerts', 'a1', { fingerprint: 'a1', n: 1 }),
        put('alerts', 'a2', { fingerprint: 'a2', n: 1 }),
        put('incidents', 'i1', { id: 'i1', text: 'quote \' and "double" and ünïcode' }),
        put('alerts', 'a1', { fingerprint: 'a1', n: 2 }),
      ]);
      expect(await store.get('alerts', 'a1')).toEqual({ fingerprint: 'a1', n: 2 });
      expect(await store.get('incidents', 'i1')).toEqual({
        id: 'i1',
        text: 'quote \' and "double" and ünïcode',
      });
      expect(await store.get('alerts', 'missing')).toBeUndefined();
      const alerts = await store.list<{ fingerprint: string }>('alerts');
      expect(alerts.map((a) => a.fingerprint).sort()).toEqual(['a1', 'a2']);
      expect(await store.list('groups')).toEqual([]);
      await store.write([
        del('alerts', 'a2'),
        put('alerts', 'a3', { fingerprint: 'a3' }),
        del('alerts', 'nope'),
      ]);
      expect((await store.list<{ fingerprint: string }>('alerts')).map((a) => a.fingerprint).sort()).toEqual([
        'a1',
        'a3',
      ]);
      // A put then a delete of the same key in one batch: the delete wins.
      await store.write([put('events', 'e1', { key: 'e1' }), del('events', 'e1')]);
      expect(await store.get('events', 'e1')).toBeUndefined();
    });

    it('keeps keys apart that differ only by NUL or backslash (the notification log joins with NUL)', async () => {
      const { store } = await kind.open();
      const keys = ['oncall\u0000g1', 'oncall\\0g1', 'oncall\\\u0000g1', 'oncall0g1'];
      await store.write(keys.map((k, i) => put('nflog', k, { i })));
      for (const [i, k] of keys.entries()) expect(await store.get('nflog', k)).toEqual({ i });
      await store.write([del('nflog', keys[0]!)]);
      expect(await store.get('nflog', keys[0]!)).toBeUndefined();
      expect(await store.list('nflog')).toHaveLength(3);
    });

    it('keys and documents with any text: lone surrogates, NUL, quotes, Thai, emoji; a later batch still goes through', async () => {
      const { store } = await kind.open();
      const doc = { text: 'สถานี "A" \\ \u0000 \ud800 🚨', n: 1 };
      // A label value may hold a lone surrogate (JSON allows "\ud800"); group keys carry label values.
      await store.write([put('groups', 'g:{site="\ud800x"}', doc), put('alerts', 'ไทย🚨"\\', doc)]);
      expect(await store.get('groups', 'g:{site="\ud800x"}')).toEqual({ ...doc, text: doc.text });
      expect(await store.get('alerts', 'ไทย🚨"\\')).toEqual(doc);
      await store.write([put('alerts', 'plain', { ok: true }), del('alerts', 'ไทย🚨"\\')]);
      expect(await store.list('alerts')).toEqual([{ ok: true }]);
      expect(await store.list('groups')).toEqual([doc]);
    });

    it('documents holding every control character, escaped as JSON escapes them, round-trip exactly', async () => {
      // The SQL stores send a batch's documents as one text joined with U+0001 (sql-store.ts, SEP):
      // a document whose text holds U+0001 (escaped by JSON.stringify) must come back whole, not split.
      const { store } = await kind.open();
      const controls = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');
      const docs = [
        { id: 'c0', text: controls },
        { id: 'c1', text: `a\u0001b\u0001` },
        { id: 'c2', text: '' },
        { id: 'c3', text: '\u0001' },
      ];
      await store.write(docs.map((d) => put('incidents', d.id, d)));
      for (const d of docs) expect(await store.get('incidents', d.id)).toEqual(d);
      expect(await store.list('incidents')).toHaveLength(docs.length);
    });

    it('writes 20,000 documents in one batch and lists them all', async () => {
      const { store } = await kind.open();
      const batch = Array.from({ length: 20_000 }, (_, i) => put('deliveries', `d${i}`, { id: `d${i}`, i }));
      await store.write(batch);
      const all = await store.list<{ i: number }>('deliveries');
      expect(all).toHaveLength(20_000);
      expect(new Set(all.map((d) => d.i)).size).toBe(20_000);
    });

    it('what one handle writes, another handle (another process) reads', async () => {
      const { store, second } = await kind.open();
      await store.write([put('groups', 'g1', { key: 'g1', next_flush_at: 5 })]);
      const other = await second();
      expect(await other.get('groups', 'g1')).toEqual({ key: 'g1', next_flush_at: 5 });
    });
  });
}

for (const kind of [pgliteKind(), postgresKind()] as StoreKind[]) {
  describe.skipIf(kind.skip !== undefined)(`NotifyStore on ${kind.name}: what is not JSON text`, () => {
    afterAll(() => kind.close(), 60_000);

    it('refuses a batch with a document that is not JSON text (a raw U+0001), naming it; nothing of the batch is written', async () => {
      const { store } = await kind.open();
      const bad: StoreWrite = { collection: 'alerts', key: 'bad', value: '{"text":"a\u0001b"}' };
      expect(bad.value).toContain('\u0001');
      const err = await store.write([put('alerts', 'good', { ok: true }), bad]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyStoreError);
      expect((err as Error).message).toContain('alerts/bad');
      expect((err as Error).message).toContain('not JSON text');
      expect(await store.get('alerts', 'good')).toBeUndefined();
      expect(await store.list('alerts')).toEqual([]);
    });
  });
}

for (const kind of [pgliteKind(), postgresKind()] as StoreKind[]) {
  describe.skipIf(kind.skip !== undefined)(`leases on ${kind.name}`, () => {
    afterAll(() => kind.close(), 60_000);

    const leasesOf = (s: NotifyStore) => {
      if (!s.leases) throw new Error(`${kind.name} store has no leases`);
      return s.leases;
    };

    it('one holder at a time; renewing keeps the token; a takeover after expiry increments it', async () => {
      const { store, second } = await kind.open();
      const a = leasesOf(store);
      const b = leasesOf(await second());
      const fa = await a.acquire('engine', 'replica-a', 400);
      expect(fa).toMatchObject({ lease: 'engine', owner: 'replica-a' });
      expect(await b.acquire('engine', 'replica-b', 400)).toBeUndefined();
      const renewed = await a.acquire('engine', 'replica-a', 400);
      expect(renewed?.token).toBe(fa?.token);
      // replica-a stops renewing (it died): once the lease time has passed, replica-b takes over.
      let fb: Awaited<ReturnType<typeof b.acquire>>;
      const deadline = Date.now() + 20_000;
      do {
        await new Promise((r) => setTimeout(r, 100));
        fb = await b.acquire('engine', 'replica-b', 60_000);
      } while (!fb && Date.now() < deadline);
      expect(fb?.owner).toBe('replica-b');
      expect(fb?.token).toBe((fa?.token ?? 0) + 1);
      // The old holder can neither renew nor write any more.
      expect(await a.acquire('engine', 'replica-a', 400)).toBeUndefined();
      await expect(store.write([put('alerts', 'x', { x: 1 })], { fence: fa! })).rejects.toBeInstanceOf(
        NotifyLeaseLostError,
      );
      expect(await store.get('alerts', 'x')).toBeUndefined();
      // The holder's fenced writes go through.
      await store.write([put('alerts', 'y', { y: 1 })], { fence: fb! });
      expect(await store.get('alerts', 'y')).toEqual({ y: 1 });
    });

    it('a renewal that comes after expiry, with nobody having taken the lease, keeps the token', async () => {
      const { store } = await kind.open();
      const a = leasesOf(store);
      const fa = await a.acquire('engine', 'replica-a', 200);
      await new Promise((r) => setTimeout(r, 600));
      // Expired but not taken: writes under the fence are still safe (no one else wrote) and go through.
      await store.write([put('alerts', 'late', { late: true })], { fence: fa! });
      const again = await a.acquire('engine', 'replica-a', 60_000);
      expect(again?.token).toBe(fa?.token);
      expect(await store.get('alerts', 'late')).toEqual({ late: true });
    });

    it('a released lease is taken over at once', async () => {
      const { store, second } = await kind.open();
      const a = leasesOf(store);
      const b = leasesOf(await second());
      const fa = await a.acquire('engine', 'replica-a', 60_000);
      expect(await b.acquire('engine', 'replica-b', 60_000)).toBeUndefined();
      await a.release(fa!);
      expect((await b.acquire('engine', 'replica-b', 60_000))?.owner).toBe('replica-b');
    });
  });
}
