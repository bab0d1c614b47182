import {
  type ApplicationSpec,
  type DeviceProfileSpec,
  DeviceSpec,
  GatewaySpec,
  type TenantSpec,
} from '@fieldops/contracts/chirpstack/v1';
import type { Device as RegistryDevice } from '@fieldops/contracts/registry/v1';

/** What the reconciler is asked to make true in one tenant. */
export interface DesiredState {
  tenant: TenantSpec;
  applications: ApplicationSpec[];
  device_profiles: DeviceProfileSpec[];
  gateways: GatewaySpec[];
  /** Devices declared directly. */
  devices?: DeviceSpec[];
  /**
   * Registry records; those with `desired_state.data.chirpstack` become devices (see
   * {@link deviceSpecFromRegistry}), or gateways for records with role `gateway` (see {@link gatewaySpecFromRegistry}).
   */
  registry_devices?: RegistryDevice[];
}

/** A registry record that could not become a device spec. */
export interface DesiredProblem {
  key: string;
  message: string;
}

/**
 * The device spec of a registry record: `desired_state.data.chirpstack` holds the ChirpStack part
 * (application, device_profile, keys refs, tags…); the DevEUI comes from `external_refs.chirpstack.dev_eui`
 * or that section; the name defaults to the record's name, then its id. Undefined for records with
 * no ChirpStack part (RFID stations, controllers off LoRaWAN).
 */
export function deviceSpecFromRegistry(record: RegistryDevice): DeviceSpec | undefined {
  if (record.role === 'gateway') return undefined;
  const section = record.desired_state.data.chirpstack;
  if (section === undefined || section === null) return undefined;
  if (typeof section !== 'object' || Array.isArray(section))
    throw new TypeError('desired_state.data.chirpstack must be an object');
  const s = section as Record<string, unknown>;
  return parseSpec({
    ...s,
    dev_eui: record.external_refs.chirpstack?.dev_eui ?? s.dev_eui,
    device_id: record.device_id,
    name: s.name ?? record.name ?? record.device_id,
  });
}

/**
 * The gateway spec of a registry record with role `gateway`: `desired_state.data.chirpstack` holds
 * name, stats interval, location, tags; the EUI comes from `external_refs.chirpstack.device_id` (for
 * gateways, ChirpStack's gateway id) or that section's `gateway_eui`.
 */
export function gatewaySpecFromRegistry(record: RegistryDevice): GatewaySpec | undefined {
  if (record.role !== 'gateway') return undefined;
  const section = record.desired_state.data.chirpstack;
  if (section === undefined || section === null) return undefined;
  if (typeof section !== 'object' || Array.isArray(section))
    throw new TypeError('desired_state.data.chirpstack must be an object');
  const s = section as Record<string, unknown>;
  const result = GatewaySpec.safeParse({
    ...s,
    gateway_eui: record.external_refs.chirpstack?.device_id ?? s.gateway_eui,
    name: s.name ?? record.name ?? record.gateway_id ?? record.device_id,
  });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TypeError(`chirpstack.v1.GatewaySpec: ${issues.join('; ')}`);
}

/** Every gateway of the desired state, registry gateway records converted. */
export function collectGateways(desired: DesiredState): {
  gateways: GatewaySpec[];
  problems: DesiredProblem[];
  registry: Map<string, RegistryLink>;
} {
  const gateways: GatewaySpec[] = [];
  const problems: DesiredProblem[] = [];
  const registry = new Map<string, RegistryLink>();
  const seen = new Set<string>();
  const add = (spec: GatewaySpec, origin: string) => {
    if (seen.has(spec.gateway_eui)) {
      problems.push({ key: spec.gateway_eui, message: `gateway declared twice (again by ${origin})` });
      return false;
    }
    seen.add(spec.gateway_eui);
    gateways.push(spec);
    return true;
  };
  for (const g of desired.gateways) {
    const result = GatewaySpec.safeParse(g);
    if (result.success) add(result.data, `gateway ${g.name}`);
    else
      problems.push({
        key: String(g.gateway_eui),
        message: result.error.issues[0]?.message ?? 'invalid gateway',
      });
  }
  for (const r of desired.registry_devices ?? []) {
    try {
      const spec = gatewaySpecFromRegistry(r);
      if (spec && add(spec, `registry ${r.device_id}`)) registry.set(spec.gateway_eui, linkOf(r));
    } catch (error) {
      problems.push({
        key: r.device_id,
        message: `registry record: ${(error as Error).message.split('\n')[0]!}`,
      });
    }
  }
  return { gateways, problems, registry };
}

function parseSpec(input: unknown): DeviceSpec {
  const result = DeviceSpec.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TypeError(`chirpstack.v1.DeviceSpec: ${issues.join('; ')}`);
}

/** The registry side of a device: what the write-back compares and writes. */
export interface RegistryLink {
  device_id: string;
  refs: NonNullable<RegistryDevice['external_refs']['chirpstack']> | undefined;
  /** The observed state as read: write-back merges into its data and sends its version. */
  observed?: RegistryDevice['observed_state'];
}

function linkOf(r: RegistryDevice): RegistryLink {
  return {
    device_id: r.device_id,
    refs: r.external_refs.chirpstack,
    ...(r.observed_state ? { observed: r.observed_state } : {}),
  };
}

/** Every device of the desired state, registry records converted; bad records become problems. */
export function collectDevices(desired: DesiredState): {
  devices: DeviceSpec[];
  problems: DesiredProblem[];
  registry: Map<string, RegistryLink>;
} {
  const devices: DeviceSpec[] = [];
  const registry = new Map<string, RegistryLink>();
  const problems: DesiredProblem[] = [];
  const seen = new Map<string, string>();
  const add = (spec: DeviceSpec, origin: string) => {
    const parsed = parseSpec(spec);
    const before = seen.get(parsed.dev_eui);
    if (before) {
      problems.push({ key: parsed.dev_eui, message: `DevEUI declared twice (${before} and ${origin})` });
      return;
    }
    seen.set(parsed.dev_eui, origin);
    devices.push(parsed);
  };
  for (const d of desired.devices ?? []) {
    try {
      add(d, `device ${d.name}`);
    } catch (error) {
      problems.push({ key: String(d.dev_eui), message: (error as Error).message.split('\n')[0]! });
    }
  }
  for (const r of desired.registry_devices ?? []) {
    try {
      const spec = deviceSpecFromRegistry(r);
      if (spec) {
        add(spec, `registry ${r.device_id}`);
        registry.set(spec.dev_eui, linkOf(r));
      }
    } catch (error) {
      problems.push({
        key: r.device_id,
        message: `registry record: ${(error as Error).message.split('\n')[0]!}`,
      });
    }
  }
  return { devices, problems, registry };
}
