import { randomUUID } from 'node:crypto';

// The in-memory state of the fake ChirpStack. Plain records; the services turn them into messages.

/** A stored tenant. */
export interface TenantRecord {
  id: string;
  name: string;
  description: string;
  can_have_gateways: boolean;
  max_device_count: number;
  max_gateway_count: number;
  private_gateways_up: boolean;
  private_gateways_down: boolean;
  dev_addr_prefixes: string[];
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

/** A stored application. */
export interface ApplicationRecord {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

/**
 * A stored device profile: the fields the fake's other services read, and `message`, the whole
 * `DeviceProfile` as last written (ChirpStack stores ~30 columns; Update overwrites all of them).
 */
export interface DeviceProfileRecord {
  id: string;
  /** null for a global profile (from the device repository), visible to every tenant. */
  tenant_id: string | null;
  name: string;
  description: string;
  region: number;
  region_config_id: string;
  mac_version: number;
  reg_params_revision: number;
  supports_otaa: boolean;
  uplink_interval: number;
  adr_algorithm_id: string;
  payload_codec_runtime: number;
  payload_codec_script: string;
  device_status_req_interval: number;
  tags: Record<string, string>;
  /** The serialized `api.DeviceProfile` of the last Create or Update (id and tenant_id excluded). */
  message: Uint8Array;
  created_at: Date;
  updated_at: Date;
}

/** A stored device with its keys, activation and telemetry. */
export interface DeviceRecord {
  dev_eui: string;
  name: string;
  description: string;
  application_id: string;
  device_profile_id: string;
  join_eui: string;
  is_disabled: boolean;
  skip_fcnt_check: boolean;
  tags: Record<string, string>;
  variables: Record<string, string>;
  keys: { nwk_key: string; app_key: string; gen_app_key: string } | null;
  activation: {
    dev_addr: string;
    app_s_key: string;
    nwk_s_enc_key: string;
    s_nwk_s_int_key: string;
    f_nwk_s_int_key: string;
    f_cnt_up: number;
    n_f_cnt_down: number;
    a_f_cnt_down: number;
  } | null;
  last_seen_at: Date | null;
  status: { margin: number; external_power_source: boolean; battery_level: number } | null;
  created_at: Date;
  updated_at: Date;
}

/** A stored gateway. */
export interface GatewayRecord {
  gateway_id: string;
  tenant_id: string;
  name: string;
  description: string;
  /** Always set, as in ChirpStack's table (0, 0, 0 when the request had none); altitude is an f32. */
  location: { latitude: number; longitude: number; altitude: number };
  stats_interval: number;
  downlink_priority: number;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** ChirpStack's stored integration kinds (storage/application.rs IntegrationKind, v4.19.0). */
export type IntegrationKindName =
  | 'Http'
  | 'InfluxDb'
  | 'ThingsBoard'
  | 'MyDevices'
  | 'GcpPubSub'
  | 'AwsSns'
  | 'AzureServiceBus'
  | 'PilotThings'
  | 'Ifttt'
  | 'Blynk';

/** One row of application_integration: its configuration as the Get answers it (plain values). */
export interface IntegrationRecord {
  configuration: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/** Everything the fake server holds. */
export interface FakeChirpStackState {
  tenants: Map<string, TenantRecord>;
  applications: Map<string, ApplicationRecord>;
  deviceProfiles: Map<string, DeviceProfileRecord>;
  devices: Map<string, DeviceRecord>;
  gateways: Map<string, GatewayRecord>;
  /** Application integrations by application id, then kind (primary key (application_id, kind)). */
  integrations: Map<string, Map<IntegrationKindName, IntegrationRecord>>;
}

/** An empty state. */
export function createFakeState(): FakeChirpStackState {
  return {
    tenants: new Map(),
    applications: new Map(),
    deviceProfiles: new Map(),
    devices: new Map(),
    gateways: new Map(),
    integrations: new Map(),
  };
}

/** A new random UUID (ChirpStack ids are UUIDs). */
export const newUuid = (): string => randomUUID();
