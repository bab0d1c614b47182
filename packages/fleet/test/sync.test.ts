import { createOutbox, createRelay, migrate, type Relay, type SqlDatabase } from '@fieldops/bus';
import { createJetStreamBus, type JetStreamBus } from '@fieldops/bus/nats';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { missingServer, type RestartableServer, startNats } from '@fieldops/bus/testing';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  type DesiredState,
  exportSiteBackup,
  keyRefsFromSpec,
  planReconcile,
  restoreSite,
} from '@fieldops/sdk/chirpstack';
import { type FakeChirpStack, startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFleetStore,
  createFleetSyncer,
  createMemorySyncState,
  type FleetStore,
  type FleetSyncer,
  migrateFleet,
  startFleetMirror,
} from '../src/index.js';

// Issue 16 items 2, 3 and 7: two fake ChirpStack sites and a centre over a real nats-server; each
// site's batches go through its own PGlite outbox and relay; the centre applies them with a bus
// consumer (inbox) into its PGlite mirror. Site B goes offline (its relay stops), changes, comes back.

const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';
const resolveSecret = async () => KEY;
const eui = (site: number, i: number) =>
  (0x70b3d50000000000n + BigInt(site * 1000 + i)).toString(16).padStart(16, '0');

function desired(site: number, n: number): DesiredState {
  return {
    tenant: { name: `site-${site}` },
    applications: [{ name: 'sensors' }],
    device_profiles: [
      {
        name: 'as923-2-class-a',
        region: 'as923_2',
        mac_version: 'LORAWAN_1_0_3',
        reg_params_revision: 'RP002_1_0_3',
        supports_otaa: true,
        uplink_interval_s: 600,
      },
    ],
    gateways: [{ gateway_eui: `aa555a000000000${site}`, name: `gw-${site}` }],
    devices: Array.from({ length: n }, (_, i) => ({
      dev_eui: eui(site, i),
      name: `s${site}-dev-${i}`,
      application: 'sensors',
      device_profile: 'as923-2-class-a',
      keys: { nwk_key_ref: `env:S${site}_KEY` },
    })),
  };
}

interface Site {
  id: string;
  fake: FakeChirpStack;
  client: ChirpStackClient;
  db: SqlDatabase;
  bus: JetStreamBus;
  relay: Relay;
  syncer: FleetSyncer;
  spec: DesiredState;
  emit: (events: readonly object[]) => Promise<void>;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missingServer('nats'))('fleet sync: two sites and a centre over NATS JetStream', () => {
  let nats: RestartableServer;
  let centreDb: SqlDatabase;
  let centreBus: JetStreamBus;
  let store: FleetStore;
  let clock = new Date('2026-11-30T10:00:00Z');
  const sites: Site[] = [];
  let stopConsumer: () => Promise<void>;

  async function startSite(n: number, index: number): Promise<Site> {
    const id = `site_01JD00000000000000000000${String(index).padStart(2, '0')}`;
    const fake = await startFakeChirpStack();
    const client = createChirpStackClient({
      target: fake.target,
      apiToken: fake.apiToken,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const spec = desired(index, n);
    const plan = await planReconcile(spec, client, { resolveSecret });
    expect((await applyPlan(plan, client, { resolveSecret })).errors).toEqual([]);
    const db = await createPgliteDatabase();
    await migrate(db);
    const bus = await createJetStreamBus({ servers: nats.url, publishTimeoutMs: 2_000, name: id });
    const outbox = createOutbox({ db });
    const relay = createRelay({ db, publisher: bus.publisher, outbox, pollIntervalMs: 50 });
    relay.start();
    const syncer = createFleetSyncer({
      client,
      siteId: id,
      keyRefs: keyRefsFromSpec({ devices: spec.devices! }),
      state: createMemorySyncState(),
      maxPerBatch: 4,
      now: () => clock,
    });
    const emit = async (events: readonly object[]) => {
      await outbox.append(events as never);
    };
    return { id, fake, client, db, bus, relay, syncer, spec, emit };
  }

  beforeAll(async () => {
    nats = await startNats();
    centreDb = await createPgliteDatabase();
    await migrate(centreDb);
    await migrateFleet(centreDb);
    centreBus = await createJetStreamBus({ servers: nats.url, name: 'centre' });
    store = createFleetStore({ db: centreDb, now: () => clock, staleAfterMs: 10 * 60_000 });
    const consumer = await startFleetMirror({
      db: centreDb,
      bus: centreBus,
      clock: { now: () => clock.getTime() },
      backoff: { baseDelayMs: 50, maxDelayMs: 200, jitter: 'equal' },
      maxAttempts: 1000,
    });
    stopConsumer = () => consumer.stop();
    sites.push(await startSite(10, 1), await startSite(7, 2));
  }, 180_000);

  afterAll(async () => {
    await stopConsumer?.();
    for (const s of sites) {
      await s.relay.stop();
      await s.bus.close();
      await s.db.close();
      s.client.close();
      await s.fake.stop();
    }
    await centreBus?.close();
    await centreDb?.close();
    await nats?.stop();
  });

  const caughtUp = (s: Site, sequence: number) => async () =>
    (await store.site(s.id))?.last_sequence === sequence;
  const siteHashes = async (s: Site) => {
    const snap = await exportSiteBackup(s.client, {
      siteId: s.id,
      keyRefs: keyRefsFromSpec({ devices: s.spec.devices! }),
    });
    const m = new Map<string, string>();
    for (const t of snap.tenants) m.set(`tenant:${t.id}`, t.hash!);
    for (const a of snap.applications) m.set(`application:${a.id}`, a.hash!);
    for (const p of snap.device_profiles) m.set(`device_profile:${p.id}`, p.hash!);
    for (const g of snap.gateways) m.set(`gateway:${g.gateway_eui}`, g.hash!);
    for (const d of snap.devices) m.set(`device:${d.dev_eui}`, d.hash!);
    return m;
  };

  it('first contact is a full sync; the centre mirrors both sites entity by entity', async () => {
    for (const s of sites) {
      const round = await s.syncer.round(s.emit);
      expect(round.full).toBe(true);
      expect(round.batches).toBeGreaterThan(1); // 4 entities per batch: a full sync in several parts
      await until(caughtUp(s, round.sequences[1]));
      expect(await store.hashes(s.id)).toEqual(await siteHashes(s));
    }
    const listed = await store.sites();
    expect(listed.map((x) => [x.site_id, x.devices, x.gateways, x.stale])).toEqual([
      [sites[0]!.id, 10, 1, false],
      [sites[1]!.id, 7, 1, false],
    ]);
    expect((await store.devices({ siteId: sites[1]!.id })).map((d) => d.dev_eui)).toEqual(
      sites[1]!.spec.devices!.map((d) => d.dev_eui),
    );
    // No key value ever reached the centre, only references.
    const dump = JSON.stringify((await centreDb.query('SELECT data FROM fieldops_fleet.entities')).rows);
    expect(dump).not.toContain(KEY);
    expect(dump).toContain('env:S1_KEY');
  });

  it('a quiet round sends one empty batch; only changed entities travel; a site offline then back catches up in order', async () => {
    const [a, b] = sites as [Site, Site];
    clock = new Date(clock.getTime() + 60_000);
    const quiet = await a.syncer.round(a.emit);
    expect(quiet).toMatchObject({ full: false, batches: 1 });
    await until(caughtUp(a, quiet.sequences[0]));
    // Site B loses its link to the centre: its relay stops, its outbox keeps what it emits.
    await b.relay.stop();
    const before = (await store.site(b.id))!.last_sequence;
    const spec = {
      ...b.spec,
      devices: [...b.spec.devices!, { ...b.spec.devices![0]!, dev_eui: eui(2, 50), name: 'added-offline' }],
    };
    expect(
      (await applyPlan(await planReconcile(spec, b.client, { resolveSecret }), b.client, { resolveSecret }))
        .errors,
    ).toEqual([]);
    const r1 = await b.syncer.round(b.emit);
    // Edits by hand at the site: a rename, a deletion, an uplink.
    b.fake.state.devices.get(eui(2, 1))!.name = 'renamed-at-site';
    b.fake.state.devices.get(eui(2, 1))!.updated_at = new Date(Date.now() + 1000);
    await b.client.deleteDevice(eui(2, 2));
    b.fake.setDeviceSeen(eui(2, 3), new Date('2026-11-30T10:05:00Z'));
    const r2 = await b.syncer.round(b.emit);
    expect(r1.full || r2.full).toBe(false);
    // The centre still has the old B, and after the stale window calls it stale (kept, with its last-sync time).
    clock = new Date(clock.getTime() + 11 * 60_000);
    const staleB = (await store.site(b.id))!;
    expect(staleB).toMatchObject({ last_sequence: before, stale: true });
    expect(staleB.last_sync_at).toBe(new Date(clock.getTime() - 12 * 60_000).toISOString());
    expect((await store.devices({ siteId: b.id })).some((d) => d.name === 'added-offline')).toBe(false);
    // Back online: the outbox drains, batches apply in order.
    b.relay.start();
    await until(caughtUp(b, r2.sequences[1]));
    expect(await store.hashes(b.id)).toEqual(await siteHashes(b));
    const bDevices = await store.devices({ siteId: b.id, includeRemoved: true });
    expect(bDevices.find((d) => d.dev_eui === eui(2, 1))!.name).toBe('renamed-at-site');
    expect(bDevices.find((d) => d.dev_eui === eui(2, 50))!.name).toBe('added-offline');
    expect(bDevices.find((d) => d.dev_eui === eui(2, 3))!.last_seen_at).toBe('2026-11-30T10:05:00.000Z');
    const removed = bDevices.find((d) => d.dev_eui === eui(2, 2))!;
    expect(removed.removed_at).not.toBeNull(); // a tombstone, not a deletion
    expect((await store.site(b.id))!.stale).toBe(false);
    // Redelivering everything changes nothing (each batch applied once, by sequence).
    const { applyFleetBatch } = await import('../src/index.js');
    const rows = (await b.db.query('SELECT payload FROM fieldops_bus.outbox ORDER BY seq')).rows as {
      payload: unknown;
    }[];
    for (const r of rows) {
      const ev = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { data: unknown };
      expect(await centreDb.transaction((tx) => applyFleetBatch(tx, ev.data))).toBe('duplicate');
    }
  });

  it('the centre holds a backup that restores site A into an empty ChirpStack with a 0-change plan', async () => {
    const a = sites[0]!;
    const backup = (await store.snapshot(a.id))!;
    expect(backup.restorable).toBe(true);
    const empty = await startFakeChirpStack();
    const client = createChirpStackClient({ target: empty.target, apiToken: empty.apiToken });
    try {
      const result = await restoreSite(backup, client, { resolveSecret });
      expect(result.problems).toEqual([]);
      expect(result.tenants[0]!.changes_after).toBe(0);
      expect(empty.state.devices.size).toBe(10);
    } finally {
      client.close();
      await empty.stop();
    }
  });
});
