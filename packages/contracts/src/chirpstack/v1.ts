import { z } from 'zod';
import { DeviceId, SiteId } from '../ids/v1.js';
import { eui64, json, labels, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { As923PlanId } from '../regions/v1.js';
import { SecretRef } from '../secrets/v1.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('chirpstack', 1, name, schema, description);

const name = () => z.string().min(1).max(100);

/** A tenant as declared for provisioning (matched by name). */
export const TenantSpec = c(
  'TenantSpec',
  z.object({
    name: name(),
    description: z.string().max(1000).optional(),
    can_have_gateways: z.boolean().optional(),
    max_device_count: z.int().min(0).optional(),
    max_gateway_count: z.int().min(0).optional(),
  }),
);
export type TenantSpec = z.infer<typeof TenantSpec>;

/** An application as declared for provisioning (matched by name within the tenant). */
export const ApplicationSpec = c(
  'ApplicationSpec',
  z.object({ name: name(), description: z.string().max(1000).optional() }),
);
export type ApplicationSpec = z.infer<typeof ApplicationSpec>;

/** LoRaWAN MAC versions ChirpStack knows. */
export const MacVersion = c(
  'MacVersion',
  z.enum([
    'LORAWAN_1_0_0',
    'LORAWAN_1_0_1',
    'LORAWAN_1_0_2',
    'LORAWAN_1_0_3',
    'LORAWAN_1_0_4',
    'LORAWAN_1_1_0',
  ]),
);
export type MacVersion = z.infer<typeof MacVersion>;

/** Regional parameters revisions ChirpStack knows. */
export const RegParamsRevision = c(
  'RegParamsRevision',
  z.enum(['A', 'B', 'RP002_1_0_0', 'RP002_1_0_1', 'RP002_1_0_2', 'RP002_1_0_3', 'RP002_1_0_4']),
);
export type RegParamsRevision = z.infer<typeof RegParamsRevision>;

/** A device profile as declared (matched by name within the tenant). */
export const DeviceProfileSpec = c(
  'DeviceProfileSpec',
  z.object({
    name: name(),
    region: As923PlanId,
    mac_version: MacVersion,
    reg_params_revision: RegParamsRevision,
    supports_otaa: z.boolean(),
    uplink_interval_s: z
      .int()
      .min(1)
      .max(86_400 * 7),
    adr_algorithm_id: z.string().max(64).optional(),
    payload_codec: z.enum(['none', 'cayenne_lpp', 'js']).optional(),
    payload_codec_script: z.string().max(100_000).optional(),
    tags: labels().optional(),
  }),
);
export type DeviceProfileSpec = z.infer<typeof DeviceProfileSpec>;

/** OTAA root keys, by reference. For LoRaWAN 1.0.x the AppKey is `nwk_key`; `app_key` is 1.1 only. */
export const DeviceKeysSpec = c(
  'DeviceKeysSpec',
  z.object({
    nwk_key_ref: SecretRef,
    app_key_ref: SecretRef.optional(),
    gen_app_key_ref: SecretRef.optional(),
  }),
);
export type DeviceKeysSpec = z.infer<typeof DeviceKeysSpec>;

/** A device as declared (keyed by DevEUI). */
export const DeviceSpec = c(
  'DeviceSpec',
  z.object({
    dev_eui: eui64('a DevEUI'),
    device_id: DeviceId.optional().meta({
      description: 'The registry id, written into tags.fieldops_device_id.',
    }),
    name: name(),
    description: z.string().max(1000).optional(),
    application: name().meta({ description: 'Name of a declared application.' }),
    device_profile: name().meta({ description: 'Name of a declared device profile.' }),
    join_eui: eui64('a JoinEUI').optional(),
    is_disabled: z.boolean().optional(),
    skip_fcnt_check: z.boolean().optional(),
    tags: labels().optional(),
    variables: labels().optional(),
    keys: DeviceKeysSpec.optional(),
  }),
);
export type DeviceSpec = z.infer<typeof DeviceSpec>;

/** A gateway as declared (keyed by gateway id, its EUI). */
export const GatewaySpec = c(
  'GatewaySpec',
  z.object({
    gateway_eui: eui64('a gateway EUI'),
    name: name(),
    description: z.string().max(1000).optional(),
    stats_interval_s: z.int().min(1).max(3600).optional(),
    location: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        altitude: z.number().optional(),
      })
      .optional(),
    tags: labels().optional(),
  }),
);
export type GatewaySpec = z.infer<typeof GatewaySpec>;

/** Everything the reconciler is asked to make true in one ChirpStack tenant. */
export const ProvisioningSpec = c(
  'ProvisioningSpec',
  z.object({
    tenant: TenantSpec,
    applications: z.array(ApplicationSpec),
    device_profiles: z.array(DeviceProfileSpec),
    devices: z.array(DeviceSpec),
    gateways: z.array(GatewaySpec),
  }),
);
export type ProvisioningSpec = z.infer<typeof ProvisioningSpec>;

/** The kinds of entity the reconciler manages. */
export const EntityKind = c(
  'EntityKind',
  z.enum(['tenant', 'application', 'device_profile', 'device', 'device_keys', 'gateway']),
);
export type EntityKind = z.infer<typeof EntityKind>;

/** One field that differs. Secret fields carry no values, only `secret: true`. */
export const FieldDiff = c(
  'FieldDiff',
  z.object({
    field: z.string(),
    from: json().optional(),
    to: json().optional(),
    secret: z.boolean().optional(),
  }),
);
export type FieldDiff = z.infer<typeof FieldDiff>;

/** One entry of a reconciliation plan. */
export const PlanChange = c(
  'PlanChange',
  z.object({
    entity: EntityKind,
    key: z.string().meta({ description: 'Name, DevEUI or gateway EUI.' }),
    action: z.enum(['create', 'update', 'delete', 'unchanged']),
    id: z.string().optional().meta({ description: 'ChirpStack id when the entity exists.' }),
    diff: z.array(FieldDiff),
  }),
);
export type PlanChange = z.infer<typeof PlanChange>;

/** A reconciliation plan, as JSON. */
export const Plan = c(
  'Plan',
  z.object({
    plan_version: z.literal(1),
    created_at: timestamp(),
    target: z.string(),
    tenant: z.string(),
    prune: z.boolean(),
    changes: z.array(PlanChange),
    summary: z.object({
      create: z.int().min(0),
      update: z.int().min(0),
      delete: z.int().min(0),
      unchanged: z.int().min(0),
    }),
  }),
);
export type Plan = z.infer<typeof Plan>;

/** Gateway state as ChirpStack reports it. */
export const GatewayState = c('GatewayState', z.enum(['never_seen', 'online', 'offline']));
export type GatewayState = z.infer<typeof GatewayState>;

/** A device in the fleet snapshot (no keys, ever). */
export const FleetDevice = c(
  'FleetDevice',
  z.object({
    dev_eui: eui64('a DevEUI'),
    name: z.string(),
    application: z.string(),
    device_profile: z.string(),
    device_id: DeviceId.optional(),
    last_seen_at: timestamp().nullable(),
    battery_level: z.number().min(-1).max(100).nullable().optional(),
    margin: z.int().min(-32).max(32).nullable().optional(),
    external_power_source: z.boolean().optional(),
    is_disabled: z.boolean().optional(),
  }),
);
export type FleetDevice = z.infer<typeof FleetDevice>;

/** A gateway in the fleet snapshot. */
export const FleetGateway = c(
  'FleetGateway',
  z.object({
    gateway_eui: eui64('a gateway EUI'),
    name: z.string(),
    state: GatewayState,
    last_seen_at: timestamp().nullable(),
  }),
);
export type FleetGateway = z.infer<typeof FleetGateway>;

/** One site's ChirpStack, exported for the central read-only view. */
export const FleetSnapshot = c(
  'FleetSnapshot',
  z.object({
    snapshot_version: z.literal(1),
    site_id: SiteId,
    exported_at: timestamp(),
    source: z.object({ target: z.string(), chirpstack_version: z.string().optional() }),
    tenants: z.array(z.object({ id: z.string(), name: z.string() })),
    applications: z.array(z.object({ id: z.string(), name: z.string(), tenant: z.string() })),
    device_profiles: z.array(
      z.object({ id: z.string(), name: z.string(), tenant: z.string(), region: z.string() }),
    ),
    devices: z.array(FleetDevice),
    gateways: z.array(FleetGateway),
  }),
);
export type FleetSnapshot = z.infer<typeof FleetSnapshot>;
