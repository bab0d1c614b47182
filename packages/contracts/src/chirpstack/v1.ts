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

// The fleet snapshot. Version 1 was a status view (names, last seen, state); the optional fields
// added since (all optional, so every v1 snapshot still parses) make it a backup that can rebuild a
// site: every field a ChirpStack Create takes, key *references* (never values) and a content hash
// per entity. `restorable: true` says a snapshot carries them all.

/** A content hash of one entity: `sha256:` + 64 hex digits over its canonical JSON (status fields excluded). */
export const EntityHash = c(
  'EntityHash',
  z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'expected sha256: and 64 lower-case hex digits' }),
);
export type EntityHash = z.infer<typeof EntityHash>;

const anyTags = () =>
  z.record(z.string(), z.string()).meta({ description: 'Tags exactly as ChirpStack stores them.' });

/** Where a device's root keys live: references resolved again on restore, and a fingerprint to check them. */
export const FleetDeviceKeys = c(
  'FleetDeviceKeys',
  z.object({
    nwk_key_ref: SecretRef,
    app_key_ref: SecretRef.optional(),
    gen_app_key_ref: SecretRef.optional(),
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional()
      .meta({
        description:
          'Fingerprint of the key values the site held (decision 0008); a restore checks the resolved keys against it.',
      }),
  }),
);
export type FleetDeviceKeys = z.infer<typeof FleetDeviceKeys>;

/** A device in the fleet snapshot. Keys only as references, never values. */
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
    tenant: z.string().optional(),
    description: z.string().optional(),
    join_eui: eui64('a JoinEUI').optional(),
    skip_fcnt_check: z.boolean().optional(),
    tags: anyTags().optional(),
    variables: z.record(z.string(), z.string()).optional(),
    keys: FleetDeviceKeys.nullable()
      .optional()
      .meta({ description: 'null: the device has keys at the site but no reference is known for them.' }),
    hash: EntityHash.optional(),
  }),
);
export type FleetDevice = z.infer<typeof FleetDevice>;

/** A gateway location; ChirpStack stores (0, 0, 0) for none, read as absent. */
export const FleetLocation = c(
  'FleetLocation',
  z.object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    altitude: z.number(),
  }),
);
export type FleetLocation = z.infer<typeof FleetLocation>;

/** A gateway in the fleet snapshot. */
export const FleetGateway = c(
  'FleetGateway',
  z.object({
    gateway_eui: eui64('a gateway EUI'),
    name: z.string(),
    state: GatewayState,
    last_seen_at: timestamp().nullable(),
    tenant: z.string().optional(),
    description: z.string().optional(),
    location: FleetLocation.nullable().optional(),
    stats_interval_s: z.int().min(0).optional(),
    downlink_priority: z.int().min(0).optional(),
    tags: anyTags().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    hash: EntityHash.optional(),
  }),
);
export type FleetGateway = z.infer<typeof FleetGateway>;

/** A tenant in the fleet snapshot. */
export const FleetTenant = c(
  'FleetTenant',
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    can_have_gateways: z.boolean().optional(),
    max_device_count: z.int().min(0).optional(),
    max_gateway_count: z.int().min(0).optional(),
    tags: anyTags().optional(),
    hash: EntityHash.optional(),
  }),
);
export type FleetTenant = z.infer<typeof FleetTenant>;

/** A secret of an integration: where it lives (resolved again on restore) and a fingerprint of the value the site held. */
export const FleetIntegrationSecret = c(
  'FleetIntegrationSecret',
  z.object({
    ref: SecretRef.optional().meta({
      description:
        'Where the value lives; absent when the site did not say (a restore cannot write it then).',
    }),
    fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  }),
);
export type FleetIntegrationSecret = z.infer<typeof FleetIntegrationSecret>;

/** An application integration (HTTP, MQTT, InfluxDB…): its kind and configuration, secrets as references. */
export const FleetIntegration = c(
  'FleetIntegration',
  z.object({
    kind: z
      .string()
      .min(1)
      .meta({ description: 'ChirpStack integration kind, lower case: http, mqtt, influxdb…' }),
    config: z.record(z.string(), json()).meta({
      description: 'The configuration without its secrets (those are in `secrets`, by reference).',
    }),
    secrets: z.record(z.string(), FleetIntegrationSecret).optional().meta({
      description:
        'The secrets of the configuration by field path (`headers.Authorization`, `password`, `token`): references and fingerprints, never values.',
    }),
    complete: z.boolean().optional().meta({
      description:
        'false: the site has an integration of this kind whose configuration fieldops does not carry (a restore reports it, it does not recreate it).',
    }),
  }),
);
export type FleetIntegration = z.infer<typeof FleetIntegration>;

/** An application in the fleet snapshot. */
export const FleetApplication = c(
  'FleetApplication',
  z.object({
    id: z.string(),
    name: z.string(),
    tenant: z.string(),
    description: z.string().optional(),
    tags: anyTags().optional(),
    integrations: z.array(FleetIntegration).optional(),
    hash: EntityHash.optional(),
  }),
);
export type FleetApplication = z.infer<typeof FleetApplication>;

/** A device profile in the fleet snapshot: the fields fieldops reads, plus every column as the protobuf message. */
export const FleetDeviceProfile = c(
  'FleetDeviceProfile',
  z.object({
    id: z.string(),
    name: z.string(),
    tenant: z.string(),
    region: z.string(),
    description: z.string().optional(),
    mac_version: z.string().optional(),
    reg_params_revision: z.string().optional(),
    supports_otaa: z.boolean().optional(),
    uplink_interval_s: z.int().min(0).optional(),
    adr_algorithm_id: z.string().optional(),
    payload_codec: z.string().optional(),
    payload_codec_script: z.string().optional(),
    device_status_req_interval: z.int().min(0).optional(),
    tags: anyTags().optional(),
    message: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'expected base64' })
      .optional()
      .meta({
        description:
          "ChirpStack's `api.DeviceProfile` message (every column: class B/C, ABP, measurements, relay…), protobuf binary in base64, with `id` and `tenant_id` cleared.",
      }),
    hash: EntityHash.optional(),
  }),
);
export type FleetDeviceProfile = z.infer<typeof FleetDeviceProfile>;

/** One site's ChirpStack, exported for the central read-only view and, when `restorable`, as its backup. */
export const FleetSnapshot = c(
  'FleetSnapshot',
  z.object({
    snapshot_version: z.literal(1),
    site_id: SiteId,
    exported_at: timestamp(),
    source: z.object({ target: z.string(), chirpstack_version: z.string().optional() }),
    restorable: z.boolean().optional().meta({
      description: 'true: every entity carries what a restore needs (full fields, key references, hashes).',
    }),
    tenants: z.array(FleetTenant),
    applications: z.array(FleetApplication),
    device_profiles: z.array(FleetDeviceProfile),
    devices: z.array(FleetDevice),
    gateways: z.array(FleetGateway),
  }),
);
export type FleetSnapshot = z.infer<typeof FleetSnapshot>;

/** The kinds of entity a fleet sync carries. */
export const FleetEntityKind = c(
  'FleetEntityKind',
  z.enum(['tenant', 'application', 'device_profile', 'device', 'gateway']),
);
export type FleetEntityKind = z.infer<typeof FleetEntityKind>;

/** An entity removed at a site: kept at the centre as a tombstone. */
export const FleetTombstone = c(
  'FleetTombstone',
  z.object({
    kind: FleetEntityKind,
    key: z
      .string()
      .min(1)
      .meta({ description: 'Site id of a tenant, application or profile; DevEUI; gateway EUI.' }),
    removed_at: timestamp(),
  }),
);
export type FleetTombstone = z.infer<typeof FleetTombstone>;

/** Status that changes without a configuration change (last seen, battery, gateway state). */
export const FleetStatusUpdate = c(
  'FleetStatusUpdate',
  z.object({
    kind: z.enum(['device', 'gateway']),
    key: z.string().min(1),
    last_seen_at: timestamp().nullable(),
    battery_level: z.number().min(-1).max(100).nullable().optional(),
    margin: z.int().min(-32).max(32).nullable().optional(),
    state: GatewayState.optional(),
  }),
);
export type FleetStatusUpdate = z.infer<typeof FleetStatusUpdate>;

/**
 * One message of the site -> centre fleet sync. Sequences count up per site from 1 with no gaps; the
 * centre applies each once and in order. A full sync is a run of batches from `full: 'begin'` to
 * `full: 'end'` (one batch may be both); at its end the centre tombstones what the run did not name.
 */
export const FleetSyncBatch = c(
  'FleetSyncBatch',
  z.object({
    sync_version: z.literal(1),
    site_id: SiteId,
    epoch: z.string().min(1).max(64).meta({
      description:
        'Names the site-side sync state; a site that lost its state starts a new epoch with a full sync.',
    }),
    sequence: z.int().min(1),
    produced_at: timestamp(),
    full: z
      .enum(['begin', 'middle', 'end', 'only'])
      .optional()
      .meta({ description: 'Part of a full sync; absent for an incremental one.' }),
    source: z.object({ target: z.string(), chirpstack_version: z.string().optional() }).optional(),
    tenants: z.array(FleetTenant).default([]),
    applications: z.array(FleetApplication).default([]),
    device_profiles: z.array(FleetDeviceProfile).default([]),
    devices: z.array(FleetDevice).default([]),
    gateways: z.array(FleetGateway).default([]),
    tombstones: z.array(FleetTombstone).default([]),
    status: z.array(FleetStatusUpdate).default([]),
  }),
);
export type FleetSyncBatch = z.infer<typeof FleetSyncBatch>;
