import { type FleetDevice, type FleetGateway, FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../internal/clock.js';
import type { ChirpStackClient } from './chirpstack-client.js';
import { DEVICE_ID_TAG } from './reconcile/sync-tag.js';

/** The part of the client the export reads with (a read-only client is enough). */
export type FleetReader = Pick<
  ChirpStackClient,
  | 'target'
  | 'listTenants'
  | 'listApplications'
  | 'listDeviceProfiles'
  | 'listDevices'
  | 'listGateways'
  | 'getVersion'
>;

/** Options of {@link exportFleet}. */
export interface ExportFleetOptions {
  /** The site this ChirpStack serves (`site_…`). */
  siteId: string;
  /** Only these tenants (ids); default every tenant the token sees. */
  tenantIds?: string[];
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

/**
 * Exports one site's ChirpStack as a versioned fleet snapshot (`chirpstack.v1.FleetSnapshot`) for the
 * central read-only view: tenants, applications, device profiles, devices with status and last
 * seen, gateways with state. Lists only; never keys.
 */
export async function exportFleet(client: FleetReader, options: ExportFleetOptions): Promise<FleetSnapshot> {
  const now = dateSource(options);
  let version: string | undefined;
  try {
    version = await client.getVersion();
  } catch {
    version = undefined;
  }
  const snapshot: FleetSnapshot = {
    snapshot_version: 1,
    site_id: options.siteId as FleetSnapshot['site_id'],
    exported_at: now().toISOString(),
    source: { target: client.target, ...(version ? { chirpstack_version: version } : {}) },
    tenants: [],
    applications: [],
    device_profiles: [],
    devices: [],
    gateways: [],
  };
  for await (const t of client.listTenants()) {
    if (options.tenantIds && !options.tenantIds.includes(t.id)) continue;
    snapshot.tenants.push({ id: t.id, name: t.name });
    for await (const p of client.listDeviceProfiles(t.id))
      snapshot.device_profiles.push({ id: p.id, name: p.name, tenant: t.name, region: p.region });
    for await (const a of client.listApplications(t.id)) {
      snapshot.applications.push({ id: a.id, name: a.name, tenant: t.name });
      for await (const d of client.listDevices(a.id)) {
        const deviceId = d.tags[DEVICE_ID_TAG];
        const device: FleetDevice = {
          dev_eui: d.dev_eui,
          name: d.name,
          application: a.name,
          device_profile: d.device_profile_name,
          last_seen_at: d.last_seen_at?.toISOString() ?? null,
          battery_level: d.status?.battery_level ?? null,
          margin: d.status ? Math.max(-32, Math.min(32, Math.round(d.status.margin))) : null,
          ...(d.status ? { external_power_source: d.status.external_power_source } : {}),
          ...(deviceId?.startsWith('dev_') ? { device_id: deviceId as FleetDevice['device_id'] } : {}),
        };
        snapshot.devices.push(device);
      }
    }
    for await (const g of client.listGateways(t.id))
      snapshot.gateways.push({
        gateway_eui: g.gateway_id,
        name: g.name,
        state: g.state,
        last_seen_at: g.last_seen_at?.toISOString() ?? null,
      });
  }
  return FleetSnapshot.parse(snapshot);
}

/** The same DevEUI or gateway EUI reported by more than one site. */
export interface FleetConflict {
  kind: 'device' | 'gateway';
  key: string;
  sites: string[];
}

/** The central view: every site's devices and gateways, with the site they came from. */
export interface MergedFleet {
  devices: (FleetDevice & { site_id: string })[];
  gateways: (FleetGateway & { site_id: string })[];
  conflicts: FleetConflict[];
  sites: { site_id: string; exported_at: string }[];
}

/**
 * Merges site snapshots. Each site is authoritative for itself, so nothing is overwritten: an EUI
 * seen at two sites is kept once per site and reported as a conflict.
 */
export function mergeFleetSnapshots(snapshots: readonly FleetSnapshot[]): MergedFleet {
  const merged: MergedFleet = { devices: [], gateways: [], conflicts: [], sites: [] };
  const deviceSites = new Map<string, string[]>();
  const gatewaySites = new Map<string, string[]>();
  for (const s of snapshots) {
    merged.sites.push({ site_id: s.site_id, exported_at: s.exported_at });
    for (const d of s.devices) {
      merged.devices.push({ ...d, site_id: s.site_id });
      deviceSites.set(d.dev_eui, [...(deviceSites.get(d.dev_eui) ?? []), s.site_id]);
    }
    for (const g of s.gateways) {
      merged.gateways.push({ ...g, site_id: s.site_id });
      gatewaySites.set(g.gateway_eui, [...(gatewaySites.get(g.gateway_eui) ?? []), s.site_id]);
    }
  }
  for (const [key, sites] of deviceSites)
    if (new Set(sites).size > 1) merged.conflicts.push({ kind: 'device', key, sites: [...new Set(sites)] });
  for (const [key, sites] of gatewaySites)
    if (new Set(sites).size > 1) merged.conflicts.push({ kind: 'gateway', key, sites: [...new Set(sites)] });
  return merged;
}
