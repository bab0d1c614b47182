import type {
  DeviceProfileSpec,
  DeviceSpec,
  FleetSnapshot,
  GatewaySpec,
  MacVersion,
  RegParamsRevision,
} from '@fieldops/contracts/chirpstack/v1';
import { As923PlanId } from '@fieldops/contracts/regions/v1';
import type { DesiredProblem, DesiredState } from '../reconcile/desired.js';

// A restorable snapshot is turned into the reconciler's desired state, one tenant at a time: the
// restore is then an ordinary plan + apply, and "a plan right after shows 0 changes" is the same
// check as for any other apply.

const profileSpec = (p: FleetSnapshot['device_profiles'][number]): DeviceProfileSpec | string => {
  const region = As923PlanId.safeParse(p.region);
  if (!region.success) return `region ${p.region} is not one fieldops deploys (AS923-1..4)`;
  if (!p.mac_version || !p.reg_params_revision || p.supports_otaa === undefined || !p.uplink_interval_s)
    return 'the snapshot lacks its full fields (not a restorable snapshot)';
  return {
    name: p.name,
    region: region.data,
    mac_version: p.mac_version as MacVersion,
    reg_params_revision: p.reg_params_revision as RegParamsRevision,
    supports_otaa: p.supports_otaa,
    uplink_interval_s: p.uplink_interval_s,
    ...(p.adr_algorithm_id !== undefined ? { adr_algorithm_id: p.adr_algorithm_id } : {}),
    ...(p.payload_codec !== undefined
      ? { payload_codec: p.payload_codec as DeviceProfileSpec['payload_codec'] }
      : {}),
    ...(p.payload_codec_script !== undefined ? { payload_codec_script: p.payload_codec_script } : {}),
    ...(p.tags ? { tags: withoutOwner(p.tags) } : {}),
  };
};

const ZERO_EUI = '0000000000000000';

const withoutOwner = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).filter(([k]) => k !== 'fieldops_managed'));

const deviceSpec = (d: FleetSnapshot['devices'][number]): DeviceSpec => ({
  dev_eui: d.dev_eui,
  name: d.name,
  application: d.application,
  device_profile: d.device_profile,
  ...(d.device_id ? { device_id: d.device_id } : {}),
  ...(d.description ? { description: d.description } : {}),
  // ChirpStack reads an unset JoinEUI back as zeros; declaring zeros would differ from the sync tag.
  ...(d.join_eui && d.join_eui !== ZERO_EUI ? { join_eui: d.join_eui } : {}),
  ...(d.is_disabled ? { is_disabled: true } : {}),
  ...(d.skip_fcnt_check ? { skip_fcnt_check: true } : {}),
  ...(d.tags && Object.keys(d.tags).length ? { tags: d.tags } : {}),
  ...(d.variables && Object.keys(d.variables).length ? { variables: d.variables } : {}),
  ...(d.keys
    ? {
        keys: {
          nwk_key_ref: d.keys.nwk_key_ref,
          ...(d.keys.app_key_ref ? { app_key_ref: d.keys.app_key_ref } : {}),
          ...(d.keys.gen_app_key_ref ? { gen_app_key_ref: d.keys.gen_app_key_ref } : {}),
        },
      }
    : {}),
});

const gatewaySpec = (g: FleetSnapshot['gateways'][number]): GatewaySpec => ({
  gateway_eui: g.gateway_eui,
  name: g.name,
  ...(g.description ? { description: g.description } : {}),
  ...(g.stats_interval_s ? { stats_interval_s: g.stats_interval_s } : {}),
  ...(g.location ? { location: g.location } : {}),
  ...(g.tags ? { tags: withoutOwner(g.tags) } : {}),
});

/** The reconciler's desired state for one tenant of a restorable snapshot, and what it cannot express. */
export function desiredFromSnapshot(
  snapshot: FleetSnapshot,
  tenantName: string,
): { desired: DesiredState; problems: DesiredProblem[] } {
  const tenant = snapshot.tenants.find((t) => t.name === tenantName);
  if (!tenant)
    throw new TypeError(`chirpstack restore: the snapshot has no tenant named ${JSON.stringify(tenantName)}`);
  const problems: DesiredProblem[] = [];
  const profiles: DeviceProfileSpec[] = [];
  for (const p of snapshot.device_profiles.filter((x) => x.tenant === tenantName)) {
    const spec = profileSpec(p);
    if (typeof spec === 'string')
      problems.push({ key: p.name, message: `device profile not restored: ${spec}` });
    else profiles.push(spec);
  }
  const devices = snapshot.devices.filter((d) => (d.tenant ?? tenantName) === tenantName);
  for (const d of devices)
    if (d.keys === null)
      problems.push({
        key: d.dev_eui,
        message: 'the site had keys for this device but the backup names no reference',
      });
  return {
    desired: {
      tenant: {
        name: tenant.name,
        ...(tenant.description !== undefined ? { description: tenant.description } : {}),
        ...(tenant.can_have_gateways !== undefined ? { can_have_gateways: tenant.can_have_gateways } : {}),
        ...(tenant.max_device_count !== undefined ? { max_device_count: tenant.max_device_count } : {}),
        ...(tenant.max_gateway_count !== undefined ? { max_gateway_count: tenant.max_gateway_count } : {}),
      },
      applications: snapshot.applications
        .filter((a) => a.tenant === tenantName)
        .map((a) => ({ name: a.name, ...(a.description ? { description: a.description } : {}) })),
      device_profiles: profiles,
      gateways: snapshot.gateways.filter((g) => (g.tenant ?? tenantName) === tenantName).map(gatewaySpec),
      devices: devices.map(deviceSpec),
    },
    problems,
  };
}
