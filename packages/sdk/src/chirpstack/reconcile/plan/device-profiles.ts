import type { DeviceProfileSpec } from '@fieldops/contracts/chirpstack/v1';
import { DEFAULT_DEVICE_STATUS_REQ_INTERVAL } from '../../resources/device-profiles.js';
import { collect } from '../../resources/paging.js';
import type { DeviceProfileListItem } from '../../types.js';
import type { PlanState, PlanStep } from '../steps.js';
import { groupByName, planByName } from './by-name.js';
import { createDiff, diffValue, ownedTags } from './diff.js';

/**
 * The tenant's own device profiles, grouped by name. Listed with `tenant_only`: without it
 * ChirpStack adds every global profile, which no tenant owns (and deleting one would take devices of
 * every tenant with it).
 */
export async function listProfilesByName(s: PlanState): Promise<Map<string, DeviceProfileListItem[]>> {
  const tenantId = s.context.tenantId;
  if (!tenantId) return new Map();
  return groupByName(
    s,
    await collect(s.client.listDeviceProfiles(tenantId, { pageSize: 1000, tenantOnly: true })),
  );
}

/** The fields of a profile fieldops manages, with their defaults. */
export function managedProfileFields(spec: DeviceProfileSpec) {
  return {
    region: spec.region,
    mac_version: spec.mac_version,
    reg_params_revision: spec.reg_params_revision,
    supports_otaa: spec.supports_otaa,
    uplink_interval_s: spec.uplink_interval_s,
    adr_algorithm_id: spec.adr_algorithm_id ?? 'default',
    payload_codec: spec.payload_codec ?? 'none',
    payload_codec_script: spec.payload_codec_script ?? '',
    device_status_req_interval: DEFAULT_DEVICE_STATUS_REQ_INTERVAL,
    tags: ownedTags(spec.tags),
  };
}

/** Plans the declared device profiles (matched by name; a Get each, the List lacks most fields). */
export function planDeviceProfiles(
  specs: DeviceProfileSpec[],
  byName: Map<string, DeviceProfileListItem[]>,
  s: PlanState,
): Promise<PlanStep[]> {
  return planByName(specs, byName, s, {
    kind: 'device_profile',
    label: 'device profile',
    ids: s.context.deviceProfileIds,
    createDiff: (spec) => createDiff(managedProfileFields(spec)),
    get: async (id) => (await s.client.getDeviceProfile(id)) as unknown as Record<string, unknown>,
    diff: (current, spec) =>
      Object.entries(managedProfileFields(spec)).flatMap(([k, v]) => diffValue(k, current[k], v)),
  });
}
