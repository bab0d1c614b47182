import { migrate, type SqlDatabase } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  type DesiredState,
  keyRefsFromSpec,
  planReconcile,
} from '@fieldops/sdk/chirpstack';
import { type FakeChirpStack, startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import {
  applyFleetBatch,
  createFleetStore,
  createFleetSyncer,
  createMemorySyncState,
  type FleetStore,
  type FleetStoreOptions,
  type FleetSyncer,
  migrateFleet,
} from '../../src/index.js';

// Test support: a fake ChirpStack site provisioned from a DesiredState, whose fleet syncer applies
// its batches straight into a centre database (the bus path is covered by sync.test.ts).

/** A centre's database, migrated (bus inbox and fleet mirror), and its store. */
export interface TestCentre {
  db: SqlDatabase;
  store: FleetStore;
}

/**
 * A migrated centre: on `db` when given (e.g. a real PostgreSQL), else a PGlite in memory or in
 * `dataDir`; the store gets the rest of the options (clock, stale window).
 */
export async function startCentre(
  options: Omit<FleetStoreOptions, 'db'> & { db?: SqlDatabase; dataDir?: string } = {},
): Promise<TestCentre> {
  const { db: given, dataDir, ...storeOptions } = options;
  const db = given ?? (await createPgliteDatabase(dataDir ? { dataDir } : {}));
  await migrate(db);
  await migrateFleet(db);
  return { db, store: createFleetStore({ db, ...storeOptions }) };
}

/** The key value every test device resolves to (never expected at the centre). */
export const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';
/** Resolves every SecretRef to {@link KEY}. */
export const resolveSecret = async (): Promise<string> => KEY;
/** DevEUI `i` of site `site`. */
export const eui = (site: number, i: number): string =>
  (0x70b3d50000000000n + BigInt(site * 1000 + i)).toString(16).padStart(16, '0');

/** A site with one application, one profile, one gateway and `n` OTAA devices. */
export function desired(site: number, n: number): DesiredState {
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

/** A provisioned fake site and its syncer. */
export interface TestSite {
  id: string;
  fake: FakeChirpStack;
  client: ChirpStackClient;
  spec: DesiredState;
  syncer: FleetSyncer;
  /** One sync round applied into the centre's database. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a fake ChirpStack with `n` devices and a syncer that applies into `centre` at `now()`. */
export async function startTestSite(
  index: number,
  n: number,
  centre: SqlDatabase,
  now: () => Date,
): Promise<TestSite> {
  const id = `site_01JD00000000000000000000${String(index).padStart(2, '0')}`;
  const fake = await startFakeChirpStack();
  const client = createChirpStackClient({
    target: fake.target,
    apiToken: fake.apiToken,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const spec = desired(index, n);
  const applied = await applyPlan(await planReconcile(spec, client, { resolveSecret }), client, {
    resolveSecret,
  });
  if (applied.errors.length) throw new Error(`provisioning site ${index}: ${JSON.stringify(applied.errors)}`);
  const syncer = createFleetSyncer({
    client,
    siteId: id,
    keyRefs: keyRefsFromSpec({ devices: spec.devices! }),
    state: createMemorySyncState(),
    clock: { now: () => now().getTime() }, // core's Clock (issue 12): the stale flags below read it
  });
  return {
    id,
    fake,
    client,
    spec,
    syncer,
    async sync() {
      await syncer.round(async (events) => {
        for (const e of events) await centre.transaction((tx) => applyFleetBatch(tx, e.data, now()));
      });
    },
    async stop() {
      client.close();
      await fake.stop();
    },
  };
}
