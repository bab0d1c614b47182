// Issue 16 item 8: a 10,000-device site with 100 changed devices. Bytes on the wire (the events as
// JSON, what the relay publishes) and time of an incremental round against a full one, in the same
// process against the same fake ChirpStack 4.19 (real gRPC on loopback), each applied at a PGlite centre.
// `pnpm --filter @fieldops/fleet bench` (or `pnpm bench`).
import { migrate } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import {
  applyPlan,
  createChirpStackClient,
  keyRefsFromTemplate,
  planReconcile,
} from '@fieldops/sdk/chirpstack';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import {
  applyFleetBatch,
  createFleetSyncer,
  createMemorySyncState,
  type FleetSyncedEvent,
  migrateFleet,
} from '../src/index.js';

const DEVICES = Number(process.env.FLEET_BENCH_DEVICES ?? 10_000);
const CHANGED = 100;
const eui = (i: number) => (0x70b3d50000000000n + BigInt(i)).toString(16).padStart(16, '0');
const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';

const fake = await startFakeChirpStack();
const client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
const spec = {
  tenant: { name: 'bench-site' },
  applications: [{ name: 'sensors' }],
  device_profiles: [
    {
      name: 'as923-2-class-a',
      region: 'as923_2' as const,
      mac_version: 'LORAWAN_1_0_3' as const,
      reg_params_revision: 'RP002_1_0_3' as const,
      supports_otaa: true,
      uplink_interval_s: 600,
    },
  ],
  gateways: [{ gateway_eui: 'aa555a0000000001', name: 'gw-1' }],
  devices: [
    {
      dev_eui: eui(0),
      name: 'dev-00000',
      application: 'sensors',
      device_profile: 'as923-2-class-a',
      keys: { nwk_key_ref: 'env:K' as const },
    },
  ],
};
await applyPlan(await planReconcile(spec, client, { resolveSecret: async () => KEY }), client, {
  resolveSecret: async () => KEY,
});
// The other devices are copies of the one the reconciler wrote (same tags, keys fingerprint aside).
const template = fake.state.devices.get(eui(0))!;
for (let i = 1; i < DEVICES; i++)
  fake.state.devices.set(eui(i), {
    ...structuredClone(template),
    dev_eui: eui(i),
    name: `dev-${String(i).padStart(5, '0')}`,
  });

const centre = await createPgliteDatabase();
await migrate(centre);
await migrateFleet(centre);
const syncer = createFleetSyncer({
  client,
  siteId: 'site_01JD0000000000000000000001',
  keyRefs: keyRefsFromTemplate('file:/run/secrets/lorawan/{dev_eui}.key'),
  state: createMemorySyncState(),
});

async function measured() {
  const sent: FleetSyncedEvent[] = [];
  const t0 = performance.now();
  const round = await syncer.round(async (events) => {
    sent.push(...events);
  });
  const t1 = performance.now();
  for (const e of sent) await centre.transaction((tx) => applyFleetBatch(tx, e.data));
  const t2 = performance.now();
  return { round, siteMs: t1 - t0, centreMs: t2 - t1 };
}

const full = await measured();
for (let i = 0; i < CHANGED; i++) {
  const d = fake.state.devices.get(eui(i * 97))!;
  d.name = `renamed-${i}`;
  d.updated_at = new Date(Date.now() + 1000);
}
const incremental = await measured();
const rows = [
  ['full', full],
  [`incremental (${CHANGED} changed)`, incremental],
] as const;
console.log(
  `\nfleet sync, ${DEVICES} devices (machine load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
);
console.log('| round | batches | bytes | site ms (export + build) | centre ms (apply) |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, m] of rows)
  console.log(
    `| ${name} | ${m.round.batches} | ${m.round.bytes.toLocaleString('en')} | ${m.siteMs.toFixed(0)} | ${m.centreMs.toFixed(0)} |`,
  );
const ratio = incremental.round.bytes / full.round.bytes;
console.log(
  `incremental / full: bytes ${(ratio * 100).toFixed(2)} % (goal <= 5 %: ${ratio <= 0.05 ? 'met' : 'NOT met'}), ` +
    `time ${(((incremental.siteMs + incremental.centreMs) / (full.siteMs + full.centreMs)) * 100).toFixed(1)} %`,
);
client.close();
await fake.stop();
await centre.close();
