import {
  type FleetApplication,
  type FleetDevice,
  type FleetDeviceKeys,
  type FleetDeviceProfile,
  type FleetGateway,
  FleetSnapshot,
  type FleetTenant,
} from '@fieldops/contracts/chirpstack/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../../internal/clock.js';
import type { ChirpStackClient } from '../chirpstack-client.js';
import { ChirpStackNotFoundError } from '../errors.js';
import { DEVICE_ID_TAG, decodeSyncTag, keysFingerprint, SYNC_TAG } from '../reconcile/sync-tag.js';
import type { Device, DeviceListItem } from '../types.js';
import { withHash } from './hash.js';
import { exportIntegrations, type IntegrationSecretRefSource } from './integrations.js';
import type { KeyRefSource } from './key-refs.js';

/** What a backup reads with: Lists and Gets only (a read-only client is enough). */
export type BackupReader = Pick<
  ChirpStackClient,
  | 'target'
  | 'listTenants'
  | 'getTenant'
  | 'listApplications'
  | 'getApplication'
  | 'listDeviceProfiles'
  | 'getDeviceProfile'
  | 'getDeviceProfileMessage'
  | 'listDevices'
  | 'getDevice'
  | 'listGateways'
  | 'getGateway'
  | 'listIntegrations'
  | 'getIntegration'
  | 'getDeviceKeys'
>;

/**
 * Devices as last read with a Get, by DevEUI, with the `updated_at` the List showed then. Kept
 * between runs (the site agent keeps one), a device is read again only when ChirpStack's
 * `updated_at` moved: a sync of 10,000 quiet devices costs the Lists, not 10,000 Gets.
 */
export type DeviceReadCache = Map<string, { updated_at: string; device: Device }>;

/** Options of {@link exportSiteBackup}. */
export interface ExportBackupOptions {
  /** The site this ChirpStack serves (`site_…`). */
  siteId: string;
  /** Only these tenants (ids, read with a Get: a tenant API key is enough); default every tenant listed. */
  tenantIds?: string[];
  /** Where each device's keys live; devices it does not know carry no references. */
  keyRefs?: KeyRefSource;
  /** Where the applications' integration secrets live; without it they carry fingerprints only. */
  integrationSecretRefs?: IntegrationSecretRefSource;
  /**
   * Fingerprint the keys each device really holds (one GetKeys per device, every run: a key edit does
   * not move the device's `updated_at`), so keys changed by hand reach the backup. Default false: the
   * fingerprint is the one the sync tag says fieldops wrote. Values never leave the export.
   */
  readKeys?: boolean;
  /** Reused between runs to skip Gets of devices that did not change. */
  cache?: DeviceReadCache;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

const REMOVED_TAGS = [SYNC_TAG, DEVICE_ID_TAG];

const ZERO_KEY = /^0{32}$/;
const present = (v: string | null | undefined) => (v && !ZERO_KEY.test(v) ? v.toLowerCase() : undefined);

/** Fingerprint of the keys a device holds (undefined when it holds none); values stay in here. */
export async function heldKeysFingerprint(
  client: Pick<ChirpStackClient, 'getDeviceKeys'>,
  devEui: string,
): Promise<string | undefined> {
  try {
    const k = await client.getDeviceKeys(devEui);
    const nwk = present(k.nwk_key.reveal());
    if (!nwk) return undefined;
    const app = present(k.app_key?.reveal());
    const gen = present(k.gen_app_key?.reveal());
    return keysFingerprint(devEui, {
      nwk_key: nwk,
      ...(app ? { app_key: app } : {}),
      ...(gen ? { gen_app_key: gen } : {}),
    });
  } catch (error) {
    if (error instanceof ChirpStackNotFoundError) return undefined;
    throw error;
  }
}

/** `held`: the fingerprint of the keys read from the device (readKeys), null when it holds none. */
function keysOf(
  device: Device,
  refs: KeyRefSource | undefined,
  held: string | null | undefined,
): FleetDeviceKeys | null | undefined {
  const fingerprint =
    held === undefined ? decodeSyncTag(device.tags[SYNC_TAG])?.keys || undefined : held || undefined;
  const declared = refs?.(device.dev_eui, device);
  if (declared) return { ...declared, ...(fingerprint ? { fingerprint } : {}) };
  // The sync tag says keys were written, but nobody knows where they live: say so (null).
  return fingerprint ? null : undefined;
}

async function readDevice(
  client: BackupReader,
  item: DeviceListItem,
  cache: DeviceReadCache,
): Promise<Device> {
  const stamp = item.updated_at?.toISOString() ?? '';
  const hit = cache.get(item.dev_eui);
  if (hit && hit.updated_at === stamp && stamp !== '') return hit.device;
  const d = await client.getDevice(item.dev_eui);
  const device: Device = {
    dev_eui: d.dev_eui,
    name: d.name,
    description: d.description,
    application_id: d.application_id,
    device_profile_id: d.device_profile_id,
    join_eui: d.join_eui,
    is_disabled: d.is_disabled,
    skip_fcnt_check: d.skip_fcnt_check,
    tags: d.tags,
    variables: d.variables,
  };
  cache.set(item.dev_eui, { updated_at: stamp, device });
  return device;
}

function fleetDevice(
  device: Device,
  item: DeviceListItem,
  names: { tenant: string; application: string },
  refs: KeyRefSource | undefined,
  held: string | null | undefined,
): FleetDevice {
  const deviceId = device.tags[DEVICE_ID_TAG];
  const keys = keysOf(device, refs, held);
  const tags = Object.fromEntries(Object.entries(device.tags).filter(([k]) => !REMOVED_TAGS.includes(k)));
  return withHash('device', {
    dev_eui: device.dev_eui,
    name: device.name,
    tenant: names.tenant,
    application: names.application,
    device_profile: item.device_profile_name,
    description: device.description,
    join_eui: device.join_eui,
    is_disabled: device.is_disabled,
    skip_fcnt_check: device.skip_fcnt_check,
    tags,
    variables: device.variables,
    ...(keys !== undefined ? { keys } : {}),
    ...(deviceId?.startsWith('dev_') ? { device_id: deviceId as FleetDevice['device_id'] } : {}),
    last_seen_at: item.last_seen_at?.toISOString() ?? null,
    battery_level: item.status?.battery_level ?? null,
    margin: item.status ? Math.max(-32, Math.min(32, Math.round(item.status.margin))) : null,
    ...(item.status ? { external_power_source: item.status.external_power_source } : {}),
  });
}

async function tenantsOf(client: BackupReader, tenantIds: string[] | undefined): Promise<FleetTenant[]> {
  const ids: string[] = tenantIds ? [...tenantIds] : [];
  if (!tenantIds) for await (const t of client.listTenants()) ids.push(t.id);
  const out: FleetTenant[] = [];
  for (const id of ids) {
    const t = await client.getTenant(id);
    out.push(
      withHash('tenant', {
        id: t.id,
        name: t.name,
        description: t.description,
        can_have_gateways: t.can_have_gateways,
        max_device_count: t.max_device_count,
        max_gateway_count: t.max_gateway_count,
        tags: t.tags,
      }),
    );
  }
  return out;
}

async function profilesOf(client: BackupReader, tenant: FleetTenant): Promise<FleetDeviceProfile[]> {
  const out: FleetDeviceProfile[] = [];
  for await (const item of client.listDeviceProfiles(tenant.id)) {
    const p = await client.getDeviceProfile(item.id);
    const message = Buffer.from(await client.getDeviceProfileMessage(item.id)).toString('base64');
    out.push(
      withHash('device_profile', {
        id: p.id,
        name: p.name,
        tenant: tenant.name,
        region: p.region,
        description: p.description,
        mac_version: p.mac_version,
        reg_params_revision: p.reg_params_revision,
        supports_otaa: p.supports_otaa,
        uplink_interval_s: p.uplink_interval_s,
        adr_algorithm_id: p.adr_algorithm_id,
        payload_codec: p.payload_codec,
        payload_codec_script: p.payload_codec_script,
        device_status_req_interval: p.device_status_req_interval,
        tags: p.tags,
        message,
      }),
    );
  }
  return out;
}

async function gatewaysOf(client: BackupReader, tenant: FleetTenant): Promise<FleetGateway[]> {
  const out: FleetGateway[] = [];
  for await (const item of client.listGateways(tenant.id)) {
    const g = await client.getGateway(item.gateway_id);
    out.push(
      withHash('gateway', {
        gateway_eui: g.gateway_id,
        name: g.name,
        tenant: tenant.name,
        description: g.description,
        location: g.location,
        stats_interval_s: g.stats_interval_s,
        downlink_priority: g.downlink_priority,
        tags: g.tags,
        metadata: g.metadata,
        state: item.state,
        last_seen_at: item.last_seen_at?.toISOString() ?? null,
      }),
    );
  }
  return out;
}

/**
 * Exports one site's ChirpStack as a restorable fleet snapshot (`chirpstack.v1.FleetSnapshot` with
 * `restorable: true`): tenants, applications, device profiles in full (the whole protobuf message),
 * devices with every field a Create takes and their key *references* (never values), gateways, the
 * applications' integrations (their secrets as references and fingerprints), the fieldops tags, and
 * a content hash per entity. Reads: the Lists, a Get per tenant, application,
 * integration, profile and gateway, and a Get per device not in `cache` at the same `updated_at`.
 */
export async function exportSiteBackup(
  client: BackupReader,
  options: ExportBackupOptions,
): Promise<FleetSnapshot> {
  const now = dateSource(options);
  const cache = options.cache ?? new Map();
  const snapshot: FleetSnapshot = {
    snapshot_version: 1,
    site_id: options.siteId as FleetSnapshot['site_id'],
    exported_at: now().toISOString(),
    source: { target: client.target },
    restorable: true,
    tenants: await tenantsOf(client, options.tenantIds),
    applications: [],
    device_profiles: [],
    devices: [],
    gateways: [],
  };
  for (const tenant of snapshot.tenants) {
    snapshot.device_profiles.push(...(await profilesOf(client, tenant)));
    for await (const item of client.listApplications(tenant.id)) {
      const a = await client.getApplication(item.id);
      const integrations = await exportIntegrations(
        client,
        a.id,
        { tenant: tenant.name, application: a.name },
        options.integrationSecretRefs,
      );
      const application: FleetApplication = withHash('application', {
        id: a.id,
        name: a.name,
        tenant: tenant.name,
        description: a.description,
        tags: a.tags,
        ...(integrations.length ? { integrations } : {}),
      });
      snapshot.applications.push(application);
      for await (const d of client.listDevices(a.id)) {
        const device = await readDevice(client, d, cache);
        const held = options.readKeys ? ((await heldKeysFingerprint(client, d.dev_eui)) ?? null) : undefined;
        snapshot.devices.push(
          fleetDevice(device, d, { tenant: tenant.name, application: a.name }, options.keyRefs, held),
        );
      }
    }
    snapshot.gateways.push(...(await gatewaysOf(client, tenant)));
  }
  return FleetSnapshot.parse(snapshot);
}
