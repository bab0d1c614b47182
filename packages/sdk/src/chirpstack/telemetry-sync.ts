import type { Device as RegistryDevice } from '@fieldops/contracts/registry/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../internal/clock.js';
import type { ChirpStackClient } from './chirpstack-client.js';
import { ChirpStackError } from './errors.js';
import type { RegistryWriteBack } from './reconcile/apply.js';
import { runPool } from './reconcile/pool.js';

/** The part of the client the sync reads with (a read-only client is enough). */
export type TelemetryReader = Pick<
  ChirpStackClient,
  'listApplications' | 'listDevices' | 'listDeviceProfiles' | 'getDeviceProfile' | 'listGateways'
>;

/** Options of {@link syncObservedState}. */
export interface ObservedStateSyncOptions {
  client: TelemetryReader;
  registry: RegistryWriteBack;
  tenantId: string;
  /** Registry records to update: devices with `external_refs.chirpstack.dev_eui`, gateways with `…device_id`. */
  records: readonly RegistryDevice[];
  /** Patches in flight at once (default 8). */
  concurrency?: number;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

/** What a sync did. */
export interface ObservedStateSyncResult {
  /** Records whose observed state was written. */
  written: number;
  /** Records whose observed state already said the same. */
  unchanged: number;
  /** Records whose DevEUI or gateway EUI ChirpStack does not know. */
  missing: string[];
  errors: { device_id: string; code: string; message: string }[];
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Link/read for telemetry: reads device status, last seen and gateway state from ChirpStack with
 * Lists only, and writes them into each registry record's `observed_state.data.chirpstack`, only
 * when they changed, with `expected_version` for optimistic concurrency. `state` is `active`,
 * `inactive` (past 1.5 × the profile's uplink interval) or `never_seen` for devices, and ChirpStack's
 * gateway state for gateways.
 */
export async function syncObservedState(options: ObservedStateSyncOptions): Promise<ObservedStateSyncResult> {
  const now = dateSource(options);
  const at = now();
  const result: ObservedStateSyncResult = { written: 0, unchanged: 0, missing: [], errors: [] };
  const intervals = new Map<string, number>();
  for await (const p of options.client.listDeviceProfiles(options.tenantId))
    intervals.set(p.id, (await options.client.getDeviceProfile(p.id)).uplink_interval_s);

  const devices = new Map<string, Record<string, string | number | boolean | null>>();
  for await (const app of options.client.listApplications(options.tenantId))
    for await (const d of options.client.listDevices(app.id)) {
      const interval = intervals.get(d.device_profile_id) ?? 3600;
      const state = !d.last_seen_at
        ? 'never_seen'
        : at.getTime() - d.last_seen_at.getTime() > 1.5 * interval * 1000
          ? 'inactive'
          : 'active';
      devices.set(d.dev_eui, {
        state,
        last_seen_at: d.last_seen_at?.toISOString() ?? null,
        battery_level: d.status?.battery_level ?? null,
        margin: d.status?.margin ?? null,
        external_power_source: d.status?.external_power_source ?? null,
        application: app.name,
        device_profile: d.device_profile_name,
      });
    }
  const gateways = new Map<string, Record<string, string | null>>();
  for await (const g of options.client.listGateways(options.tenantId))
    gateways.set(g.gateway_id, { state: g.state, last_seen_at: g.last_seen_at?.toISOString() ?? null });

  await runPool(options.records, options.concurrency ?? 8, async (record) => {
    const refs = record.external_refs.chirpstack;
    const key =
      record.role === 'gateway' ? refs?.device_id?.replace(/[:-]/g, '').toLowerCase() : refs?.dev_eui;
    if (!key) return;
    const observed = record.role === 'gateway' ? gateways.get(key) : devices.get(key);
    if (!observed) {
      result.missing.push(record.device_id);
      return;
    }
    const current = record.observed_state?.data.chirpstack;
    if (stable(current) === stable(observed)) {
      result.unchanged += 1;
      return;
    }
    try {
      await options.registry.patchObservedState(record.device_id, {
        ...(record.observed_state ? { expected_version: record.observed_state.version } : {}),
        data: { ...record.observed_state?.data, chirpstack: observed },
        source: 'chirpstack',
        observed_at: at.toISOString(),
      });
      result.written += 1;
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      result.errors.push({
        device_id: record.device_id,
        code: error instanceof ChirpStackError ? error.code : typeof e?.code === 'string' ? e.code : 'error',
        message: String(e?.message ?? error),
      });
    }
  });
  return result;
}
