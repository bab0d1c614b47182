import { randomUUID } from 'node:crypto';
import { buildEvent, type EventOf } from '@fieldops/contracts/events/v1';
import type { SiteId, StationId } from '@fieldops/contracts/ids/v1';
import type { RfidEvent } from '@fieldops/contracts/rfid/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../internal/clock.js';

/** A station health event. */
export type StationHealthEvent = EventOf<'io.fieldops.rfid.station.health.v1'>;
/** The conditions the tracker watches. */
export type StationCondition = StationHealthEvent['data']['condition'];

/** Thresholds of {@link createStationHealthTracker}. */
export interface StationHealthThresholds {
  /** Seconds without a heartbeat before `heartbeat_missed` (default 180: three 60 s heartbeats). */
  heartbeatTimeoutS: number;
  /** Events waiting in the station's spool (`queue_depth`) before `spool_backlog` (default 1,000). */
  spoolBacklog: number;
  /** |station clock − backend clock| in seconds before `clock_skew` (default 30). */
  clockSkewS: number;
  /** Share of rejected events in the window before `ingest_error_rate` (default 0.1)… */
  errorRate: number;
  /** …counted over this many seconds (default 600)… */
  errorWindowS: number;
  /** …once at least this many events were seen in it (default 20). */
  errorMinEvents: number;
}

/** Options of {@link createStationHealthTracker}. */
export interface StationHealthOptions {
  /** CloudEvents `source`, e.g. `/sites/site_…/rfid`. */
  source: string;
  siteId?: string;
  thresholds?: Partial<StationHealthThresholds>;
  /** Re-send a firing condition this often while it lasts (default 5 min; 0 never). */
  reassertIntervalMs?: number;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  newId?: () => string;
}

/** What the backend saw of one ingest request. */
export interface IngestObservation {
  /** The events of the request (parsed body), or only their stations when it did not parse. */
  events: readonly Pick<RfidEvent, 'station_id' | 'type' | 'occurred_at'>[] &
    readonly Partial<Pick<Extract<RfidEvent, { type: 'heartbeat' }>, 'queue_depth'>>[];
  /** True when the backend stored them (2xx). */
  accepted: boolean;
}

/** Level-triggered RFID station health from what the backend receives. */
export interface StationHealthTracker {
  /** Records one ingest request. */
  observeIngest(observation: IngestObservation): void;
  /** Starts watching a station before it sends anything (so silence from the start is noticed). */
  watch(stationId: string): void;
  /** Every condition that fires (first time or re-assertion due) or resolved since the last call. */
  evaluate(): StationHealthEvent[];
}

const DEFAULTS: StationHealthThresholds = {
  heartbeatTimeoutS: 180,
  spoolBacklog: 1000,
  clockSkewS: 30,
  errorRate: 0.1,
  errorWindowS: 600,
  errorMinEvents: 20,
};

interface StationMemory {
  since: number;
  lastHeartbeat?: number;
  queueDepth?: number;
  skewS?: number;
  /** [time, accepted?, count] per ingest, inside the error window. */
  ingests: [number, boolean, number][];
  firing: Map<StationCondition, number>;
}

/**
 * Tracks each station's heartbeat, spool backlog (`queue_depth` of its heartbeats), clock skew
 * (heartbeat `occurred_at` against the backend's clock at receipt) and ingest error rate, and turns
 * them into `io.fieldops.rfid.station.health.v1` events: `firing` when a condition starts and again
 * every re-assert interval while it lasts, `resolved` once when it ends.
 */
export function createStationHealthTracker(options: StationHealthOptions): StationHealthTracker {
  const t = { ...DEFAULTS, ...options.thresholds };
  const now = dateSource(options);
  const newId = options.newId ?? randomUUID;
  const reassertMs = options.reassertIntervalMs ?? 300_000;
  const stations = new Map<string, StationMemory>();
  const site = options.siteId ? { site_id: options.siteId as SiteId } : {};

  const memory = (id: string, at: number) => {
    let m = stations.get(id);
    if (!m) {
      m = { since: at, ingests: [], firing: new Map() };
      stations.set(id, m);
    }
    return m;
  };

  function measure(
    m: StationMemory,
    at: number,
  ): Record<StationCondition, { value: number; threshold: number; firing: boolean }> {
    const silent = (at - (m.lastHeartbeat ?? m.since)) / 1000;
    m.ingests = m.ingests.filter(([time]) => at - time <= t.errorWindowS * 1000);
    const total = m.ingests.reduce((n, [, , c]) => n + c, 0);
    const rejected = m.ingests.reduce((n, [, ok, c]) => n + (ok ? 0 : c), 0);
    const rate = total === 0 ? 0 : rejected / total;
    return {
      heartbeat_missed: {
        value: Math.round(silent),
        threshold: t.heartbeatTimeoutS,
        firing: silent > t.heartbeatTimeoutS,
      },
      spool_backlog: {
        value: m.queueDepth ?? 0,
        threshold: t.spoolBacklog,
        firing: (m.queueDepth ?? 0) > t.spoolBacklog,
      },
      clock_skew: {
        value: m.skewS ?? 0,
        threshold: t.clockSkewS,
        firing: Math.abs(m.skewS ?? 0) > t.clockSkewS,
      },
      ingest_error_rate: {
        value: Math.round(rate * 1000) / 1000,
        threshold: t.errorRate,
        firing: total >= t.errorMinEvents && rate > t.errorRate,
      },
    };
  }

  return {
    watch(stationId) {
      memory(stationId, now().getTime());
    },
    observeIngest(o) {
      const at = now().getTime();
      const perStation = new Map<string, number>();
      for (const e of o.events) perStation.set(e.station_id, (perStation.get(e.station_id) ?? 0) + 1);
      for (const [id, count] of perStation) memory(id, at).ingests.push([at, o.accepted, count]);
      if (!o.accepted) return; // a rejected batch says nothing trustworthy about the station's state
      for (const e of o.events) {
        if (e.type !== 'heartbeat') continue;
        const m = memory(e.station_id, at);
        const occurred = Date.parse(e.occurred_at);
        m.lastHeartbeat = at;
        m.queueDepth = e.queue_depth ?? m.queueDepth;
        // A heartbeat replayed from the spool is old by design: only a fresh one measures the clock.
        if (m.queueDepth === 0 || m.queueDepth === undefined) m.skewS = Math.round((occurred - at) / 1000);
      }
    },
    evaluate() {
      const at = now().getTime();
      const out: StationHealthEvent[] = [];
      for (const [id, m] of stations) {
        for (const [condition, r] of Object.entries(measure(m, at)) as [
          StationCondition,
          ReturnType<typeof measure>[StationCondition],
        ][]) {
          const reportedAt = m.firing.get(condition);
          let status: 'firing' | 'resolved' | undefined;
          if (r.firing && (reportedAt === undefined || (reassertMs > 0 && at - reportedAt >= reassertMs))) {
            status = 'firing';
            m.firing.set(condition, at);
          } else if (!r.firing && reportedAt !== undefined) {
            status = 'resolved';
            m.firing.delete(condition);
          }
          if (!status) continue;
          out.push(
            buildEvent(
              'io.fieldops.rfid.station.health.v1',
              {
                station_id: id as StationId,
                ...site,
                condition,
                status,
                value: r.value,
                threshold: r.threshold,
              },
              { source: options.source, id: newId(), time: new Date(at).toISOString(), subject: id },
            ),
          );
        }
      }
      return out;
    },
  };
}
