import type { GatewayState, MacVersion, RegParamsRevision } from '@fieldops/contracts/chirpstack/v1';
import type { As923PlanId } from '@fieldops/contracts/regions/v1';

// Plain objects the client takes and returns. Field names follow the ChirpStack API and the
// contracts (snake_case); EUIs are 16 lower-case hex digits; times are `Date`s (null = never).

/** A value that prints as `[redacted]` and gives the secret only through `reveal()`. */
export interface SecretValue {
  reveal(): string;
  toString(): string;
  toJSON(): string;
}

/** A secret as the client accepts it: a string, or anything with `reveal()` (a `Secret`). */
export type SecretInput = string | { reveal(): string };

/** One page of a list call. */
export interface Page<T> {
  total_count: number;
  items: T[];
}

/** Paging and search of a list call. */
export interface ListOptions {
  /** Page size the iterator asks for (default 1000). */
  pageSize?: number;
  search?: string;
}

/** A tenant. */
export interface Tenant {
  id: string;
  name: string;
  description: string;
  can_have_gateways: boolean;
  max_device_count: number;
  max_gateway_count: number;
  tags: Record<string, string>;
}

/** A tenant in a list. */
export interface TenantListItem {
  id: string;
  name: string;
  can_have_gateways: boolean;
  max_device_count: number;
  max_gateway_count: number;
  created_at: Date | null;
  updated_at: Date | null;
}

/** An application. */
export interface Application {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  tags: Record<string, string>;
}

/** An application in a list. */
export interface ApplicationListItem {
  id: string;
  name: string;
  description: string;
  created_at: Date | null;
  updated_at: Date | null;
}

/** Payload codecs ChirpStack runs. */
export type PayloadCodec = 'none' | 'cayenne_lpp' | 'js';

/** A device profile (the AS923 plans only: that is what fieldops deploys). */
export interface DeviceProfile {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  region: As923PlanId | 'other';
  mac_version: MacVersion;
  reg_params_revision: RegParamsRevision | 'other';
  supports_otaa: boolean;
  uplink_interval_s: number;
  adr_algorithm_id: string;
  payload_codec: PayloadCodec;
  payload_codec_script: string;
  region_config_id: string;
  /** Device-status requests per day; 0: never (no battery or margin). */
  device_status_req_interval: number;
  tags: Record<string, string>;
}

/** A device profile in a list. */
export interface DeviceProfileListItem {
  id: string;
  name: string;
  region: As923PlanId | 'other';
  mac_version: MacVersion;
  reg_params_revision: RegParamsRevision | 'other';
  supports_otaa: boolean;
  created_at: Date | null;
  updated_at: Date | null;
}

/** A device (keyed by DevEUI). */
export interface Device {
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
}

/** What a device last reported about itself. `battery_level` is null when unknown or on mains. */
export interface DeviceStatus {
  margin: number;
  external_power_source: boolean;
  battery_level: number | null;
}

/** A device with its status. */
export interface DeviceDetails extends Device {
  created_at: Date | null;
  updated_at: Date | null;
  last_seen_at: Date | null;
  status: DeviceStatus | null;
}

/** A device in a list (what a List returns: no join EUI, variables or flags). */
export interface DeviceListItem {
  dev_eui: string;
  name: string;
  description: string;
  device_profile_id: string;
  device_profile_name: string;
  last_seen_at: Date | null;
  status: DeviceStatus | null;
  tags: Record<string, string>;
  created_at: Date | null;
  updated_at: Date | null;
}

/** OTAA root keys to write. For LoRaWAN 1.0.x the AppKey goes in `nwk_key`; `app_key` is for 1.1. */
export interface DeviceKeysInput {
  dev_eui: string;
  nwk_key: SecretInput;
  app_key?: SecretInput;
  gen_app_key?: SecretInput;
}

/** OTAA root keys as read back; values print as `[redacted]`. */
export interface DeviceKeys {
  dev_eui: string;
  nwk_key: SecretValue;
  app_key: SecretValue | null;
  gen_app_key: SecretValue | null;
}

/** ABP activation (or an OTAA session) of a device. Session keys are secrets. */
export interface DeviceActivationInput {
  dev_eui: string;
  dev_addr: string;
  app_s_key: SecretInput;
  nwk_s_enc_key: SecretInput;
  s_nwk_s_int_key: SecretInput;
  f_nwk_s_int_key: SecretInput;
  f_cnt_up?: number;
  n_f_cnt_down?: number;
  a_f_cnt_down?: number;
}

/** A device's activation as read back. */
export interface DeviceActivation {
  dev_eui: string;
  dev_addr: string;
  app_s_key: SecretValue;
  nwk_s_enc_key: SecretValue;
  s_nwk_s_int_key: SecretValue;
  f_nwk_s_int_key: SecretValue;
  f_cnt_up: number;
  n_f_cnt_down: number;
  a_f_cnt_down: number;
}

/** One metric: timestamps and one or more series of the same length. */
export interface MetricSeries {
  name: string;
  kind: 'counter' | 'absolute' | 'gauge';
  timestamps: Date[];
  datasets: { label: string; data: number[] }[];
}

/** Aggregation of a metrics query. */
export type Aggregation = 'minute' | 'hour' | 'day' | 'month';

/** Link metrics of a device (packets, RSSI, SNR, per frequency and data rate, errors). */
export interface DeviceLinkMetrics {
  rx_packets: MetricSeries | null;
  gw_rssi: MetricSeries | null;
  gw_snr: MetricSeries | null;
  rx_packets_per_freq: MetricSeries | null;
  rx_packets_per_dr: MetricSeries | null;
  errors: MetricSeries | null;
}

/** A location. */
export interface Location {
  latitude: number;
  longitude: number;
  altitude: number;
}

/** A gateway (keyed by its EUI, ChirpStack's `gateway_id`). */
export interface Gateway {
  gateway_id: string;
  tenant_id: string;
  name: string;
  description: string;
  /** null when unset: ChirpStack stores (0, 0, 0) for a gateway without a location. */
  location: Location | null;
  stats_interval_s: number;
  /** Downlink priority, > 0 (ChirpStack refuses 0; its own default is 10). */
  downlink_priority: number;
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

/** A gateway with its times. */
export interface GatewayDetails extends Gateway {
  created_at: Date | null;
  updated_at: Date | null;
  last_seen_at: Date | null;
}

/** A gateway in a list, with its state. */
export interface GatewayListItem {
  gateway_id: string;
  tenant_id: string;
  name: string;
  description: string;
  location: Location | null;
  downlink_priority: number;
  state: GatewayState;
  last_seen_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/** Internal GetDevicesSummary. */
export interface DevicesSummary {
  active_count: number;
  inactive_count: number;
  never_seen_count: number;
}

/** Internal GetGatewaysSummary. */
export interface GatewaysSummary {
  online_count: number;
  offline_count: number;
  never_seen_count: number;
}
