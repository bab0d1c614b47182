import type { Clock } from '@fieldops/core';
import {
  type BackupReader,
  collectDevices,
  type DesiredState,
  exportSiteBackup,
  keysFingerprint,
  type ResolveSecret,
} from '@fieldops/sdk/chirpstack';
import type { CentreReader } from './centre-reader.js';
import { compareFleet, type DriftReport } from './compare.js';
import { registryView, snapshotView } from './views.js';

/** What `diffSite` reads the site with: the backup's Lists and Gets, and the device keys. */
export type DiffSiteReader = BackupReader;

/** Options of {@link diffSite}. */
export interface DiffSiteOptions {
  siteId: string;
  /** The site's ChirpStack (read only). */
  site: DiffSiteReader;
  /** The central mirror (its HTTP API, `httpCentreReader`, or a FleetStore); without it the centre is not compared. */
  centre?: CentreReader;
  /** The registry's desired state (spec and registry records); without it the registry is not compared. */
  desired?: DesiredState;
  /** Resolves key references, to compare the registry's keys with the site's. */
  resolveSecret?: ResolveSecret;
  /**
   * Read each device's root keys at the site (one GetKeys per device) and compare their fingerprint,
   * so keys changed by hand show up (default true). Values never leave this function.
   */
  readKeys?: boolean;
  /** Only these tenants of the site (ids); default every tenant. */
  tenantIds?: string[];
  /** The clock (core's `Clock`) every time stamp reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

/** A drift report for one site. */
export type SiteDriftReport = DriftReport & { site_id: string; centre_last_sync_at: string | null };

async function registryFingerprints(
  desired: DesiredState,
  resolveSecret: ResolveSecret | undefined,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!resolveSecret) return out;
  const value = async (ref: string) => {
    const v = await resolveSecret(ref);
    return (typeof v === 'string' ? v : v.reveal()).trim().toLowerCase();
  };
  for (const d of collectDevices(desired).devices) {
    if (!d.keys) continue;
    out.set(
      d.dev_eui,
      keysFingerprint(d.dev_eui, {
        nwk_key: await value(d.keys.nwk_key_ref),
        ...(d.keys.app_key_ref ? { app_key: await value(d.keys.app_key_ref) } : {}),
        ...(d.keys.gen_app_key_ref ? { gen_app_key: await value(d.keys.gen_app_key_ref) } : {}),
      }),
    );
  }
  return out;
}

/**
 * `fieldops fleet diff` as a function: reads the site's ChirpStack (a full export, and each
 * device's keys), the centre's mirror of that site and the registry's desired state, and compares
 * them with {@link compareFleet}. Key values are reduced to fingerprints before they are compared.
 */
export async function diffSite(options: DiffSiteOptions): Promise<SiteDriftReport> {
  const { desired } = options;
  const keyRefs = desired
    ? new Map(
        collectDevices(desired)
          .devices.filter((d) => d.keys)
          .map((d) => [d.dev_eui, d.keys!]),
      )
    : undefined;
  // The sync tag's fingerprint is what fieldops last wrote; the keys themselves may have been
  // changed by hand since (decision 0008's blind spot), so the site's view reads the real ones.
  const siteSnapshot = await exportSiteBackup(options.site, {
    siteId: options.siteId,
    readKeys: options.readKeys ?? true,
    ...(keyRefs ? { keyRefs: (devEui: string) => keyRefs.get(devEui) } : {}),
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
    ...(options.clock ? { clock: options.clock } : options.now ? { now: options.now } : {}),
  });
  const site = snapshotView(siteSnapshot);
  let centre: ReturnType<typeof snapshotView> | undefined;
  let lastSync: string | null = null;
  if (options.centre) {
    const mirrored = await options.centre.snapshot(options.siteId);
    centre = mirrored ? snapshotView(mirrored) : new Map();
    lastSync = (await options.centre.site(options.siteId))?.last_sync_at ?? null;
    if (options.tenantIds && mirrored) {
      const names = new Set(siteSnapshot.tenants.map((t) => t.name));
      for (const [k, e] of centre) if (e.tenant !== undefined && !names.has(e.tenant)) centre.delete(k);
    }
  }
  const report = compareFleet({
    site,
    ...(centre ? { centre } : {}),
    ...(desired
      ? { registry: registryView(desired, await registryFingerprints(desired, options.resolveSecret)) }
      : {}),
  });
  return { site_id: options.siteId, centre_last_sync_at: lastSync, ...report };
}
