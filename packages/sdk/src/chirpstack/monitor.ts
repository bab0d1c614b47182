import { randomUUID } from 'node:crypto';
import type { GatewayState } from '@fieldops/contracts/chirpstack/v1';
import { buildEvent, type EventOf, type EventType } from '@fieldops/contracts/events/v1';
import type { DeviceId, SiteId } from '@fieldops/contracts/ids/v1';
import { type Clock, type Logger, noopLogger } from '@fieldops/core';
import { dateSource } from '../internal/clock.js';
import type { ChirpStackClient } from './chirpstack-client.js';
import { DEVICE_ID_TAG } from './reconcile/sync-tag.js';

/** The events the monitor emits. */
export type HealthEvent =
  | EventOf<'io.fieldops.chirpstack.gateway.offline.v1'>
  | EventOf<'io.fieldops.chirpstack.gateway.online.v1'>
  | EventOf<'io.fieldops.chirpstack.device.inactive.v1'>
  | EventOf<'io.fieldops.chirpstack.device.battery_low.v1'>
  | EventOf<'io.fieldops.site.agent.heartbeat.v1'>;

/** The part of the client the monitor reads with. */
export type MonitorReader = Pick<
  ChirpStackClient,
  'listGateways' | 'listApplications' | 'listDevices' | 'listDeviceProfiles' | 'getDeviceProfile'
>;

/** What the Gateway Bridge said over MQTT about one gateway. */
export type GatewayObservation =
  | { gatewayId: string; kind: 'conn'; state: 'online' | 'offline' }
  | {
      gatewayId: string;
      kind: 'stats';
      /** The stats message's own `time` (the gateway's clock), ISO 8601; tells a stale message from a new one. */
      time?: string | Date;
    };

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
  /**
   * Re-send a firing condition (gateway offline, device inactive, battery low) this often while it
   * lasts, as Prometheus re-sends firing alerts (default 5 min; 0 never re-sends).
   */
  reassertIntervalMs?: number;
  /** Send a heartbeat at most this often, from poll and {@link HealthMonitor.checkGateways} (default 60 s; 0 none). */
  heartbeatIntervalMs?: number;
  /**
   * The gateways' stats interval in seconds (default 30). With MQTT observations, a gateway whose
   * last stats are older than `offlineAfterIntervals` × this is offline.
   */
  statsIntervalS?: number;
  /** Default 1.5: sooner than ChirpStack's own 2 × stats interval. */
  offlineAfterIntervals?: number;
  /**
   * What a previous run of this monitor reported firing and never resolved (the caller stores it from
   * the events, e.g. the site agent in its outbox database). A gateway listed here that is up when this
   * run first sees it gets its `gateway.online` resolve; one still down is re-asserted at once.
   */
  restoreFiring?: { gatewaysOffline?: readonly string[] };
  /** The clock (core's `Clock`); time stamps and durations read it. Default: the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  newId?: () => string;
  logger?: Logger;
}

/** A level-triggered ChirpStack health monitor. */
export interface HealthMonitor {
  /**
   * One round over the gRPC lists (merged with what MQTT said); returns (and hands to `onEvent`) the
   * events: every condition found firing that was not yet reported (all of them on the first round,
   * so a restarted monitor reports an ongoing outage), re-assertions due, resolutions, a heartbeat.
   */
  poll(): Promise<HealthEvent[]>;
  /** Takes a gateway `state/conn` or `event/stats` from MQTT (retained conn state arrives on subscribe). */
  observeGateway(observation: GatewayObservation): Promise<HealthEvent[]>;
  /** Re-evaluates gateways against the stats timeout without a gRPC round (cheap; run it often). */
  checkGateways(): Promise<HealthEvent[]>;
  /** Polls every `intervalMs` and checks gateways every `checkIntervalMs` (default stats interval / 4). */
  start(intervalMs: number, checkIntervalMs?: number): void;
  stop(): void;
}

interface GatewayMemory {
  name: string;
  grpcState: GatewayState;
  lastSeen: number | null;
  /** Set once MQTT said anything about the gateway: then MQTT decides. */
  mqttConn?: 'online' | 'offline';
  mqttSeen: boolean;
  /** The state last reported (undefined: nothing reported since start). */
  reported?: GatewayState;
  reportedAt?: number;
  /** When this outage was first reported offline (re-assertions keep it); unset when not offline. */
  offlineAt?: number;
  /** The newest evidence of life, on our clock: stats sent, conn ONLINE received, ChirpStack last seen. */
  aliveAt: number | null;
  /** Recent (receive time − stats `time`) offsets; their minimum maps the gateway's clock onto ours. */
  offsets: number[];
}

interface Condition {
  firing: boolean;
  reportedAt?: number;
}

/**
 * Creates a level-triggered health monitor. Gateways: offline when MQTT's conn state says so, when
 * their last stats are older than 1.5 × the stats interval, or (without MQTT) when ChirpStack's state
 * says so. Devices: inactive past 1.5 × the profile's uplink interval; battery low under the threshold.
 * The state lives in ChirpStack and the broker, not in this process: on start it is rebuilt and every
 * firing condition is reported; while one lasts it is re-sent; a resolution is reported once.
 */
export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const now = dateSource(options);
  const newId = options.newId ?? randomUUID;
  const logger = options.logger ?? noopLogger;
  const threshold = options.batteryThreshold ?? 20;
  const source = options.source ?? `/chirpstack/${options.tenantId}`;
  const reassertMs = options.reassertIntervalMs ?? 300_000;
  const heartbeatMs = options.heartbeatIntervalMs ?? 60_000;
  const statsMs = (options.statsIntervalS ?? 30) * 1000;
  const offlineAfterMs = statsMs * (options.offlineAfterIntervals ?? 1.5);
  const gateways = new Map<string, GatewayMemory>();
  const inactive = new Map<string, Condition>();
  const batteryLow = new Map<string, Condition>();
  const intervals = new Map<string, number>();
  const startedAt = now().toISOString();
  let sequence = 0;
  let lastHeartbeat: number | undefined;
  let lastPoll: { ok: boolean; detail?: string } = { ok: true, detail: 'not polled yet' };
  const timers: ReturnType<typeof setInterval>[] = [];
  const site: { site_id?: SiteId } = options.siteId ? { site_id: options.siteId as SiteId } : {};
  const restoredOffline = new Set((options.restoreFiring?.gatewaysOffline ?? []).map((e) => e.toLowerCase()));

  /** A gateway's memory; one reported offline by the previous run starts as reported (never re-armed silently). */
  function remember(eui: string, name: string, grpcState: GatewayState): GatewayMemory {
    const existing = gateways.get(eui);
    if (existing) return existing;
    const g: GatewayMemory = { name, grpcState, lastSeen: null, mqttSeen: false, aliveAt: null, offsets: [] };
    if (restoredOffline.delete(eui)) g.reported = 'offline'; // reportedAt unset: due at once if still down
    gateways.set(eui, g);
    return g;
  }

  function event<T extends EventType>(type: T, data: Parameters<typeof buildEvent<T>>[1], subject?: string) {
    return buildEvent(type, data, {
      source,
      id: newId(),
      time: now().toISOString(),
      ...(subject ? { subject } : {}),
    }) as HealthEvent;
  }

  const due = (reportedAt: number | undefined, at: number) =>
    reportedAt === undefined || (reassertMs > 0 && at - reportedAt >= reassertMs);

  function gatewayState(g: GatewayMemory, at: number): GatewayState {
    if (!g.mqttSeen) return g.grpcState;
    if (g.mqttConn === 'offline') return 'offline';
    if (g.lastSeen === null) return g.mqttConn === 'online' ? 'online' : g.grpcState;
    return at - g.lastSeen > offlineAfterMs ? 'offline' : 'online';
  }

  /**
   * Once reported offline, a gateway is reported online again only on evidence of life newer than that
   * report, or at its moment (docs/decisions/0046): a stats message handled late (sent before the report, queued
   * behind a starved event loop) or an older ChirpStack `last_seen_at` must not flap the incident.
   */
  function effectiveState(g: GatewayMemory, at: number): GatewayState {
    const state = gatewayState(g, at);
    if (state !== 'online' || g.reported !== 'offline' || g.offlineAt === undefined) return state;
    return g.aliveAt !== null && g.aliveAt >= g.offlineAt ? 'online' : 'offline';
  }

  /** Records evidence of life at `sentAt` (our clock). */
  function alive(g: GatewayMemory, sentAt: number): void {
    if (g.aliveAt === null || sentAt > g.aliveAt) g.aliveAt = sentAt;
  }

  /** When a stats message was sent, on our clock: its own `time` shifted by the smallest recent offset. */
  function statsSentAt(g: GatewayMemory, time: string | Date | undefined, at: number): number {
    const stamped = time === undefined ? Number.NaN : new Date(time).getTime();
    if (!Number.isFinite(stamped)) return at;
    g.offsets.push(at - stamped);
    if (g.offsets.length > 8) g.offsets.shift(); // a gateway clock step is forgotten after 8 messages
    return Math.min(at, stamped + Math.min(...g.offsets));
  }

  function evaluateGateways(at: number): HealthEvent[] {
    const out: HealthEvent[] = [];
    for (const [eui, g] of gateways) {
      const state = effectiveState(g, at);
      const data = {
        gateway_eui: eui,
        ...site,
        name: g.name,
        state,
        previous_state: g.reported ?? state,
        last_seen_at: g.lastSeen === null ? null : new Date(g.lastSeen).toISOString(),
      };
      if (state === 'offline' && (g.reported !== 'offline' || due(g.reportedAt, at))) {
        out.push(event('io.fieldops.chirpstack.gateway.offline.v1', data, eui));
        if (g.reported !== 'offline' || g.offlineAt === undefined) g.offlineAt = at;
        g.reported = 'offline';
        g.reportedAt = at;
      } else if (state === 'online' && g.reported === 'offline') {
        out.push(event('io.fieldops.chirpstack.gateway.online.v1', data, eui));
        g.reported = 'online';
        g.reportedAt = at;
        g.offlineAt = undefined;
      } else if (state !== 'offline' && g.reported === undefined) {
        g.reported = state; // nothing to report: up (or never seen) at start
      }
    }
    return out;
  }

  function heartbeat(at: number, force = false): HealthEvent[] {
    if (heartbeatMs <= 0 || (!force && lastHeartbeat !== undefined && at - lastHeartbeat < heartbeatMs))
      return [];
    lastHeartbeat = at;
    return [
      event('io.fieldops.site.agent.heartbeat.v1', {
        ...site,
        agent: source,
        started_at: startedAt,
        sequence: sequence++,
        interval_s: heartbeatMs / 1000,
        monitors: [
          { name: 'chirpstack', ok: lastPoll.ok, ...(lastPoll.detail ? { detail: lastPoll.detail } : {}) },
        ],
      }),
    ];
  }

  async function emit(events: HealthEvent[]): Promise<HealthEvent[]> {
    for (const e of events) await options.onEvent?.(e);
    return events;
  }

  async function uplinkInterval(profileId: string): Promise<number> {
    let s = intervals.get(profileId);
    if (s === undefined) {
      s = (await options.client.getDeviceProfile(profileId)).uplink_interval_s;
      intervals.set(profileId, s);
    }
    return s;
  }

  function deviceCondition(
    memory: Map<string, Condition>,
    key: string,
    firing: boolean,
    at: number,
  ): 'fire' | 'resolve' | undefined {
    const c = memory.get(key) ?? { firing: false };
    memory.set(key, c);
    if (firing && (!c.firing || due(c.reportedAt, at))) {
      c.firing = true;
      c.reportedAt = at;
      return 'fire';
    }
    if (!firing && c.firing) {
      c.firing = false;
      c.reportedAt = undefined;
      return 'resolve';
    }
    return undefined;
  }

  async function pollDevices(at: number, out: HealthEvent[]): Promise<void> {
    for await (const app of options.client.listApplications(options.tenantId)) {
      for await (const d of options.client.listDevices(app.id)) {
        const interval = await uplinkInterval(d.device_profile_id);
        const isInactive = d.last_seen_at !== null && at - d.last_seen_at.getTime() > 1.5 * interval * 1000;
        const battery = d.status?.battery_level ?? null;
        const isLow = battery !== null && battery < threshold;
        const deviceId = d.tags[DEVICE_ID_TAG];
        const ids = {
          dev_eui: d.dev_eui,
          ...(deviceId?.startsWith('dev_') ? { device_id: deviceId as DeviceId } : {}),
          ...site,
          name: d.name,
        };
        // Device conditions have no resolve event in the contract: a resolve only re-arms them.
        if (deviceCondition(inactive, d.dev_eui, isInactive, at) === 'fire')
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
        if (deviceCondition(batteryLow, d.dev_eui, isLow, at) === 'fire' && battery !== null)
          out.push(
            event(
              'io.fieldops.chirpstack.device.battery_low.v1',
              { ...ids, battery_level: battery, threshold },
              d.dev_eui,
            ),
          );
      }
    }
  }

  async function poll(): Promise<HealthEvent[]> {
    const at = now().getTime();
    const out: HealthEvent[] = [];
    try {
      for await (const g of options.client.listGateways(options.tenantId)) {
        const memory = remember(g.gateway_id, g.name, g.state);
        memory.name = g.name;
        memory.grpcState = g.state;
        const seen = g.last_seen_at?.getTime() ?? null;
        if (seen !== null && (memory.lastSeen === null || seen > memory.lastSeen)) memory.lastSeen = seen;
        if (seen !== null) alive(memory, seen);
      }
      for (const eui of restoredOffline) {
        // Reported offline by the previous run, gone from ChirpStack since: nothing left to resolve.
        logger.warn(
          { operation: 'chirpstack.monitor.restore', gateway_eui: eui },
          'a gateway reported offline before the restart is no longer in ChirpStack',
        );
      }
      restoredOffline.clear();
      out.push(...evaluateGateways(at));
      await pollDevices(at, out);
      lastPoll = { ok: true };
    } catch (error) {
      lastPoll = {
        ok: false,
        detail: `ChirpStack poll failed: ${String((error as Error)?.message ?? error).slice(0, 400)}`,
      };
      await emit([...out, ...heartbeat(at, true)]);
      throw error;
    }
    out.push(...heartbeat(at));
    logger.info({ operation: 'chirpstack.monitor.poll', events: out.length }, 'chirpstack monitor poll');
    return await emit(out);
  }

  return {
    poll,
    async observeGateway(o) {
      const at = now().getTime();
      const eui = o.gatewayId.toLowerCase();
      const g = remember(eui, eui, 'never_seen');
      g.mqttSeen = true;
      if (o.kind === 'conn') {
        g.mqttConn = o.state;
        if (o.state === 'online') alive(g, at);
      } else {
        g.lastSeen = at;
        alive(g, statsSentAt(g, o.time, at));
        g.mqttConn = 'online'; // stats arrive only from a connected gateway
      }
      return await emit(evaluateGateways(at));
    },
    async checkGateways() {
      const at = now().getTime();
      return await emit([...evaluateGateways(at), ...heartbeat(at)]);
    },
    start(intervalMs, checkIntervalMs = Math.max(250, statsMs / 4)) {
      if (timers.length > 0) return;
      let running = false;
      const tick = (work: () => Promise<unknown>, operation: string) => () => {
        if (running) return; // a slow round is never overlapped by the next one
        running = true;
        work()
          .catch((error) =>
            logger.error({ operation, err: String(error) }, 'chirpstack monitor round failed'),
          )
          .finally(() => {
            running = false;
          });
      };
      timers.push(setInterval(tick(poll, 'chirpstack.monitor.poll'), intervalMs));
      timers.push(
        setInterval(
          tick(() => this.checkGateways(), 'chirpstack.monitor.check'),
          checkIntervalMs,
        ),
      );
      for (const t of timers) t.unref?.();
    },
    stop() {
      for (const t of timers.splice(0)) clearInterval(t);
    },
  };
}
