// The dead-man's switch on site agent heartbeats: pure decisions over one site's heartbeat record;
// the engine stores the record, arms its timer and ingests the alert each decision returns.
import type { Alert, Severity } from '@fieldops/contracts/notify/v1';

/** The event type whose arrival proves a site agent alive. */
export const HEARTBEAT_EVENT_TYPE = 'io.fieldops.site.agent.heartbeat.v1';
/** The alertname of a site whose heartbeats stopped. */
export const HEARTBEAT_MISSING_ALERTNAME = 'SiteHeartbeatMissing';
/** Without `missing_after`, silence for this many declared intervals raises the alert. */
export const DEFAULT_MISSED_INTERVALS = 3;

/** What is stored per site (collection `heartbeats`): the deadline survives restarts. */
export interface HeartbeatRecord {
  /** `site_id` when the agent sends one, else the agent's name. */
  key: string;
  site?: string;
  agent: string;
  /** When the last heartbeat arrived (ms, notify's clock). */
  last_at: number;
  /** How long a silence may last before the alert (ms). */
  missing_after: number;
  /** When the alert is raised unless a heartbeat comes first (ms). */
  deadline: number;
  /** The alert is firing. */
  missing: boolean;
}

/** The dead-man's switch settings, normalized. */
export interface HeartbeatSettings {
  missingAfter: number | undefined;
  severity: Severity;
}

/** The part of a heartbeat event the switch reads. */
export interface HeartbeatData {
  site_id?: string;
  agent: string;
  interval_s: number;
}

/** What a decision asks the engine to do: store the record, arm its timer, ingest an alert. */
export interface HeartbeatChange {
  record: HeartbeatRecord;
  /** When the record must be looked at next (ms). */
  check_at: number;
  /** An alert to ingest (raise or resolve SiteHeartbeatMissing), when the state changed or is re-asserted. */
  alert?: Alert;
}

/** A heartbeat arrived: the deadline moves to now + missing_after; a missing site is resolved. */
export function onHeartbeat(
  prev: HeartbeatRecord | undefined,
  data: HeartbeatData,
  settings: HeartbeatSettings,
  now: number,
): HeartbeatChange {
  const missingAfter = settings.missingAfter ?? DEFAULT_MISSED_INTERVALS * data.interval_s * 1000;
  const record: HeartbeatRecord = {
    key: data.site_id ?? data.agent,
    ...(data.site_id ? { site: data.site_id } : {}),
    agent: data.agent,
    last_at: now,
    missing_after: missingAfter,
    deadline: now + missingAfter,
    missing: false,
  };
  return {
    record,
    check_at: record.deadline,
    ...(prev?.missing ? { alert: heartbeatAlert(prev, 'resolved', settings.severity, now) } : {}),
  };
}

/**
 * The timer of a record is due. Level-triggered: past the deadline the alert is raised, and while the
 * silence lasts it is asserted again every `missing_after` (so `resolve_timeout` does not end it).
 */
export function onHeartbeatDue(
  record: HeartbeatRecord,
  settings: HeartbeatSettings,
  now: number,
): HeartbeatChange {
  if (now < record.deadline) return { record, check_at: record.deadline };
  const next = { ...record, missing: true };
  return {
    record: next,
    check_at: now + record.missing_after,
    alert: heartbeatAlert(next, 'firing', settings.severity, now),
  };
}

/**
 * After a restart: a deadline that passed while notify itself was down is moved to one `missing_after`
 * after the start, so heartbeats that queued up meanwhile can arrive first (as Prometheus restores an
 * alert's `for` state with `--rules.alert.for-grace-period`). A site already missing stays so.
 */
export function onHeartbeatLoaded(record: HeartbeatRecord, now: number): number {
  if (record.missing || record.deadline > now) return record.deadline;
  return now + record.missing_after;
}

function heartbeatAlert(
  r: HeartbeatRecord,
  status: 'firing' | 'resolved',
  severity: Severity,
  now: number,
): Alert {
  const labels: Record<string, string> = {
    alertname: HEARTBEAT_MISSING_ALERTNAME,
    type: HEARTBEAT_EVENT_TYPE,
    agent: r.agent,
  };
  if (r.site) labels.site = r.site;
  const silentFor = Math.round((Math.max(now, r.deadline) - r.last_at) / 1000);
  return {
    labels,
    annotations: {
      summary: `${r.site ? `Site ${r.site}` : `Agent ${r.agent}`}: no heartbeat for ${silentFor} s`,
      last_seen_at: new Date(r.last_at).toISOString(),
    },
    severity,
    status,
    starts_at: new Date(r.deadline).toISOString(),
    ...(status === 'resolved' ? { ends_at: new Date(now).toISOString() } : {}),
  };
}
