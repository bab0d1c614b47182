import { randomUUID } from 'node:crypto';
import type { GatewayState } from '@fieldops/contracts/chirpstack/v1';
import { buildEvent, type EventOf, type EventType } from '@fieldops/contracts/events/v1';
import type { DeviceId, SiteId } from '@fieldops/contracts/ids/v1';
import type { ChirpStackClient } from './chirpstack-client.js';
import { type Logger, NOOP_LOGGER } from './logger.js';
import { DEVICE_ID_TAG } from './reconcile/sync-tag.js';

/** The events the monitor emits. */
export type HealthEvent =
  | EventOf<'io.fieldops.chirpstack.gateway.offline.v1'>
  | EventOf<'io.fieldops.chirpstack.gateway.online.v1'>
  | EventOf<'io.fieldops.chirpstack.device.inactive.v1'>
  | EventOf<'io.fieldops.chirpstack.device.battery_low.v1'>;

/** The part of the client the monitor reads with. */
export type MonitorReader = Pick<
  ChirpStackClient,
  'listGateways' | 'listApplications' | 'listDevices' | 'listDeviceProfiles' | 'getDeviceProfile'
>;

/** Options of {@link createHealthMonitor}. */
export interface HealthMonitorOptions {
  client: MonitorReader;
  tenantId: string;
  /** CloudEvents `source` (default `/chirpstack/<tenant id>`; use `/sites/<site id>/chirpstack`). */
  source?: string;
  /** Put into every event's data. */
  siteId?: string;
  /** Battery percentage below which a device is low (default 20). */
  batteryThreshold?: number;
  /** Called for every event, in order. */
  onEvent?: (event: HealthEvent) => void | Promise<void>;
  /** Emit events for states found at the first poll too (default false: the first poll is the baseline). */
  emitInitial?: boolean;
  now?: () => Date;
  newId?: () => string;
  logger?: Logger;
}

/** A poller that turns ChirpStack state changes into events. */
export interface HealthMonitor {
  /** One polling round; returns (and hands to `onEvent`) the events of the transitions it saw. */
  poll(): Promise<HealthEvent[]>;
  /** Polls every `intervalMs` until {@link HealthMonitor.stop}. */
  start(intervalMs: number): void;
  stop(): void;
}

interface DeviceMemory {
  inactive: boolean;
  batteryLow: boolean;
}

/**
 * Creates a health monitor. Gateways: the state ChirpStack reports (offline past 2 × stats
 * interval). Devices: inactive past 1.5 × the profile's uplink interval; battery low under the
 * threshold. Only transitions produce events, so a gateway that stays offline is reported once.
 */
export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const logger = options.logger ?? NOOP_LOGGER;
  const threshold = options.batteryThreshold ?? 20;
  const source = options.source ?? `/chirpstack/${options.tenantId}`;
  const gateways = new Map<string, GatewayState>();
  const devices = new Map<string, DeviceMemory>();
  const intervals = new Map<string, number>();
  let first = true;
  let timer: ReturnType<typeof setInterval> | undefined;
  const site: { site_id?: SiteId } = options.siteId ? { site_id: options.siteId as SiteId } : {};

  function event<T extends EventType>(type: T, data: Parameters<typeof buildEvent<T>>[1], subject: string) {
    return buildEvent(type, data, { source, id: newId(), time: now().toISOString(), subject }) as HealthEvent;
  }

  async function uplinkInterval(profileId: string): Promise<number> {
    let s = intervals.get(profileId);
    if (s === undefined) {
      s = (await options.client.getDeviceProfile(profileId)).uplink_interval_s;
      intervals.set(profileId, s);
    }
    return s;
  }

  async function poll(): Promise<HealthEvent[]> {
    const at = now();
    const out: HealthEvent[] = [];
    const report = !first || options.emitInitial === true;
    for await (const g of options.client.listGateways(options.tenantId)) {
      const previous = gateways.get(g.gateway_id) ?? (report && first ? 'online' : undefined);
      gateways.set(g.gateway_id, g.state);
      if (previous === undefined || previous === g.state || !report) continue;
      const data = {
        gateway_eui: g.gateway_id,
        ...site,
        name: g.name,
        state: g.state,
        previous_state: previous,
        last_seen_at: g.last_seen_at?.toISOString() ?? null,
      };
      if (g.state === 'offline')
        out.push(event('io.fieldops.chirpstack.gateway.offline.v1', data, g.gateway_id));
      else if (g.state === 'online')
        out.push(event('io.fieldops.chirpstack.gateway.online.v1', data, g.gateway_id));
    }
    for await (const app of options.client.listApplications(options.tenantId)) {
      for await (const d of options.client.listDevices(app.id)) {
        const interval = await uplinkInterval(d.device_profile_id);
        const inactive =
          d.last_seen_at !== null && at.getTime() - d.last_seen_at.getTime() > 1.5 * interval * 1000;
        const battery = d.status?.battery_level ?? null;
        const batteryLow = battery !== null && battery < threshold;
        const previous =
          devices.get(d.dev_eui) ?? (report && first ? { inactive: false, batteryLow: false } : undefined);
        devices.set(d.dev_eui, { inactive, batteryLow });
        if (!previous || !report) continue;
        const deviceId = d.tags[DEVICE_ID_TAG];
        const ids = {
          dev_eui: d.dev_eui,
          ...(deviceId?.startsWith('dev_') ? { device_id: deviceId as DeviceId } : {}),
          ...site,
          name: d.name,
        };
        if (inactive && !previous.inactive)
          out.push(
            event(
              'io.fieldops.chirpstack.device.inactive.v1',
              {
                ...ids,
                last_seen_at: d.last_seen_at?.toISOString() ?? null,
                expected_uplink_interval_s: interval,
              },
              d.dev_eui,
            ),
          );
        if (batteryLow && !previous.batteryLow && battery !== null)
          out.push(
            event(
              'io.fieldops.chirpstack.device.battery_low.v1',
              { ...ids, battery_level: battery, threshold },
              d.dev_eui,
            ),
          );
      }
    }
    first = false;
    for (const e of out) await options.onEvent?.(e);
    logger.info({ operation: 'chirpstack.monitor.poll', events: out.length }, 'chirpstack monitor poll');
    return out;
  }

  return {
    poll,
    start(intervalMs) {
      if (timer) return;
      let running = false;
      timer = setInterval(() => {
        if (running) return; // a slow poll is never overlapped by the next one
        running = true;
        poll()
          .catch((error) =>
            logger.error({ operation: 'chirpstack.monitor.poll', err: String(error) }, 'poll failed'),
          )
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
