import type { DeviceProfileSpec, FieldDiff } from '@fieldops/contracts/chirpstack/v1';
import { DEFAULT_DEVICE_STATUS_REQ_INTERVAL } from '../../resources/device-profiles.js';
import { collect } from '../../resources/paging.js';
import type { DeviceProfileListItem } from '../../types.js';
import type { PlanState, PlanStep } from '../steps.js';
import { change, createDiff, diffValue, duplicateProblem, ownedTags, pickOldest } from './diff.js';

/**
 * The tenant's own device profiles, grouped by name. Listed with `tenant_only`: without it
 * ChirpStack adds every global profile, which no tenant owns (and deleting one would take devices of
 * every tenant with it).
 */
export async function listProfilesByName(s: PlanState): Promise<Map<string, DeviceProfileListItem[]>> {
  const tenantId = s.context.tenantId;
  const byName = new Map<string, DeviceProfileListItem[]>();
  if (!tenantId) return byName;
  const profiles = await collect(s.client.listDeviceProfiles(tenantId, { pageSize: 1000, tenantOnly: true }));
  s.reads += Math.max(1, Math.ceil(profiles.length / 1000));
  for (const p of profiles) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return byName;
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
export async function planDeviceProfiles(
  specs: DeviceProfileSpec[],
  byName: Map<string, DeviceProfileListItem[]>,
  s: PlanState,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const spec of specs) {
    const hits = byName.get(spec.name) ?? [];
    const hit = pickOldest(hits);
    const want = managedProfileFields(spec);
    if (!hit) {
      steps.push({
        kind: 'device_profile',
        action: 'create',
        spec,
        change: change('device_profile', spec.name, 'create', createDiff(want)),
      });
      continue;
    }
    if (hits.length > 1)
      s.problems.push({
        key: spec.name,
        message: duplicateProblem(
          'device profile',
          spec.name,
          hits.map((p) => p.id),
          hit.id,
        ),
      });
    s.context.deviceProfileIds[spec.name] = hit.id;
    const cur = (await s.client.getDeviceProfile(hit.id)) as unknown as Record<string, unknown>;
    s.reads += 1;
    const diff: FieldDiff[] = [];
    for (const [k, v] of Object.entries(want)) diff.push(...diffValue(k, cur[k], v));
    const action = diff.length ? 'update' : 'unchanged';
    steps.push({
      kind: 'device_profile',
      action,
      spec,
      id: hit.id,
      change: change('device_profile', spec.name, action, diff, hit.id),
    });
  }
  return steps;
}
