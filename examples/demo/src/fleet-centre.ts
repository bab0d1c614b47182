// The demo's fleet centre (issue 16): the site is authoritative, the centre a read-only mirror that
// holds its backup. The site's fleet syncer exports the demo ChirpStack (key *references* only) into
// a PGlite outbox; the relay publishes through an in-process bus (NATS JetStream on a real site) to
// the centre's consumer, which mirrors each batch into the centre's PGlite (inbox and mirror in one
// transaction). The central view is read through the fleet HTTP API (contract fleet.v1), and the
// centre's backup of the site is restored into an empty fake ChirpStack, followed by a plan that
// must find 0 changes.
import { join } from 'node:path';
import { createMemoryBus, createOutbox, createRelay, migrate, type SqlDatabase } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import type { automation } from '@fieldops/contracts';
import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { SiteDevicePage, SitePage } from '@fieldops/contracts/fleet/v1';
import {
  createFleetStore,
  createFleetSyncer,
  createMemorySyncState,
  migrateFleet,
  serveFleetApi,
  startFleetMirror,
} from '@fieldops/fleet';
import { createChirpStackClient, type KeyRefSource, restoreSite } from '@fieldops/sdk/chirpstack';
import { createSecretResolverFromEnv } from '@fieldops/sdk/secrets';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import type { Reporter } from './report.js';
import type { Sandbox } from './sandbox/index.js';

/** What the fleet stage needs from the demo. */
export interface FleetCentreStageOptions {
  r: Reporter;
  sb: Sandbox;
  spec: automation.ExecutionSpec;
  /** Where the centre's PGlite lives. */
  dataDir: string;
}

/** Where the spec says each device's root key lives (LoRaWAN 1.0.x: the AppKey is the NwkKey). */
function keyRefsOf(spec: automation.ExecutionSpec): KeyRefSource {
  const refs = new Map(
    spec.targets.devices
      .filter((d) => d.app_key_ref)
      .map((d) => [d.dev_eui.toLowerCase(), { nwk_key_ref: d.app_key_ref! }]),
  );
  return (devEui) => refs.get(devEui.toLowerCase());
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

/** Runs the stage: sync the site to the centre, read the central view, restore from the backup. */
export async function runFleetCentreStage({ r, sb, spec, dataDir }: FleetCentreStageOptions): Promise<void> {
  const stops: (() => unknown)[] = [];
  try {
    // ---- the centre: PGlite mirror, bus consumer, read-only HTTP API ----
    const centre: SqlDatabase = await createPgliteDatabase({ dataDir: join(dataDir, 'fleet-centre') });
    stops.push(() => centre.close());
    await migrate(centre);
    await migrateFleet(centre);
    const bus = createMemoryBus();
    const consumer = await startFleetMirror({ db: centre, bus });
    stops.push(() => consumer.stop());
    const store = createFleetStore({ db: centre });
    const api = await serveFleetApi({ store });
    stops.push(() => api.close());
    r.ok(`fleet centre (fieldops-fleet serve): PGlite mirror, bus consumer, read-only API ${api.url}`);

    // ---- the site: its syncer emits into a PGlite outbox, the relay publishes ----
    const siteDb = await createPgliteDatabase();
    stops.push(() => siteDb.close());
    await migrate(siteDb);
    const outbox = createOutbox({ db: siteDb });
    const relay = createRelay({ db: siteDb, publisher: bus.publisher, outbox, pollIntervalMs: 50 });
    relay.start();
    stops.push(() => relay.stop());
    const site = createChirpStackClient({ target: sb.chirpstack.target, apiToken: sb.chirpstack.apiToken });
    stops.push(() => site.close());
    const syncer = createFleetSyncer({
      client: site,
      siteId: spec.site_id,
      keyRefs: keyRefsOf(spec),
      state: createMemorySyncState(),
    });
    const round = await syncer.round(async (events) => {
      await outbox.append(events);
    });
    r.info(
      `site ${spec.site_id}: ${round.full ? 'full' : 'incremental'} sync, ${round.batches} batch(es), ${round.bytes} bytes into the site's outbox → relay → bus → centre`,
    );

    // ---- the central view ----
    const expected = spec.targets.devices.length;
    const until = Date.now() + 60_000;
    let mirrored = 0;
    while (Date.now() < until) {
      mirrored = (await store.site(spec.site_id))?.devices ?? 0;
      if (mirrored === expected) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const synced = mirrored === expected;
    const sites = SitePage.parse(await getJson(`${api.url}/api/v1/sites`));
    const row = sites.items.find((s) => s.site_id === spec.site_id);
    r.check(
      !!synced && !!row && row.devices === expected && !row.stale,
      `GET ${api.url}/api/v1/sites: ${row ? `${row.site_id} with ${row.devices} devices, ${row.gateways} gateway, last sync ${row.last_sync_at}, ${row.stale ? 'stale' : 'not stale'}` : 'the site is not there'}`,
    );
    const devices = SiteDevicePage.parse(await getJson(`${api.url}/api/v1/sites/${spec.site_id}/devices`));
    r.info(`devices at the centre: ${devices.items.map((d) => `${d.device.name} (${d.status})`).join(', ')}`);

    // ---- restore from the centre's backup into an empty ChirpStack ----
    const backupText = JSON.stringify(await getJson(`${api.url}/api/v1/sites/${spec.site_id}/backup`));
    const backup = FleetSnapshot.parse(JSON.parse(backupText));
    const leaked = sb.secrets.filter((s) => backupText.includes(s)).length;
    r.check(
      leaked === 0 && backup.devices.every((d) => d.keys?.nwk_key_ref),
      `the centre's backup names each device's key by reference (vault:…), no key value (${leaked} found)`,
    );
    const empty = await startFakeChirpStack();
    stops.push(() => empty.stop());
    const target = createChirpStackClient({ target: empty.target, apiToken: empty.apiToken });
    stops.push(() => target.close());
    const resolver = createSecretResolverFromEnv({ env: sb.env });
    const restored = await restoreSite(backup, target, { resolveSecret: (ref) => resolver.resolve(ref) });
    const after = restored.tenants.map((t) => t.changes_after);
    r.check(
      restored.problems.length === 0 &&
        after.length > 0 &&
        after.every((n) => n === 0) &&
        empty.state.devices.size === expected,
      `restore into an empty ChirpStack (${empty.target}): ${empty.state.devices.size} devices, ${empty.state.gateways.size} gateway, keys resolved again from Vault; the plan right after: ${after.join(', ')} change(s)${restored.problems.length ? `; problems: ${restored.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}` : ''}`,
    );
  } catch (error) {
    r.fail(`fleet centre: ${(error as Error).message}`);
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
  }
}
