// The dead-man's switch on site agent heartbeats: pure decisions over one site's heartbeat record;
// the engine stores the record, arms its timer and ingests the alert each decision returns.
import type { Alert, Severity } from '@fieldops/contracts/notify/v1';

/** The event type whose arrival proves a site agent alive. */
export const HEARTBEAT_EVENT_TYPE = 'io.fieldops.site.agent.heartbeat.v1';
/** The alertname of a site whose heartbeats stopped. */
export const HEARTBEAT_MISSING_ALERTNAME = 'SiteHeartbeatMissing';
/** The alertname of a monitor a heartbeat reports `ok: false` (decision 0038). */
export const MONITOR_FAILING_ALERTNAME = 'SiteMonitorFailing';
/** Severity of SiteMonitorFailing: the agent is alive and says what is wrong (decision 0038). */
export const MONITOR_FAILING_SEVERITY: Severity = 'warning';
/** Without `missing_after`, silence for this many declared intervals raises the alert. */
export const DEFAULT_MISSED_INTERVALS = 3;

/** What is stored per site (collection `heartbeats`): the deadline survives restarts. */
export interface HeartbeatRecord {
  /** `site_id` when the agent sends one, else the agent's name. */
  key: string;
  site?: string;
  /** The sending agent; absent for an expected site that has not sent a heartbeat yet. */
  agent?: string;
  /** When the last heartbeat arrived, or when watching an expected site began (ms, notify's clock). */
  last_at: number;
  /** An expected site that has not sent a heartbeat yet. */
  never_seen?: boolean;
  /** Monitors the last heartbeat reported `ok: false` (their SiteMonitorFailing alerts fire). */
  failing?: string[];
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
  /** Sites watched from the start (needs `missingAfter`). */
  expectedSites?: readonly string[];
}

/** The part of a heartbeat event the switch reads. */
export interface HeartbeatData {
  site_id?: string;
  agent: string;
  interval_s: number;
  monitors?: { name: string; ok: boolean; detail?: string }[];
}

/** What a decision asks the engine to do: store the record, arm its timer, ingest an alert. */
export interface HeartbeatChange {
  record: HeartbeatRecord;
  /** When the record must be looked at next (ms). */
  check_at: number;
  /**
   * Alerts to ingest: SiteHeartbeatMissing raised, re-asserted or resolved, and SiteMonitorFailing per
   * monitor reported `ok: false` (asserted with each heartbeat) or back to ok / no longer reported.
   */
  alerts: Alert[];
}

/**
 * A heartbeat arrived: the deadline moves to now + missing_after; a missing site is resolved. Each
 * monitor it reports `ok: false` fires SiteMonitorFailing; one that is ok again (or no longer
 * reported) is resolved.
 */
export function onHeartbeat(
  prev: HeartbeatRecord | undefined,
  data: HeartbeatData,
  settings: HeartbeatSettings,
  now: number,
): HeartbeatChange {
  const missingAfter = settings.missingAfter ?? DEFAULT_MISSED_INTERVALS * data.interval_s * 1000;
  const failing = (data.monitors ?? []).filter((m) => !m.ok);
  const failingNames = [...new Set(failing.map((m) => m.name))].sort();
  const record: HeartbeatRecord = {
    key: data.site_id ?? data.agent,
    ...(data.site_id ? { site: data.site_id } : {}),
    agent: data.agent,
    last_at: now,
    missing_after: missingAfter,
    deadline: now + missingAfter,
    missing: false,
    ...(failingNames.length > 0 ? { failing: failingNames } : {}),
  };
  const alerts: Alert[] = [];
  if (prev?.missing) alerts.push(heartbeatAlert(prev, 'resolved', settings.severity, now));
  for (const m of failing) alerts.push(monitorAlert(record, m.name, m.detail, 'firing', now));
  for (const name of prev?.failing ?? []) {
    if (!failingNames.includes(name))
      alerts.push(
        monitorAlert({ ...prev!, agent: prev!.agent ?? data.agent }, name, undefined, 'resolved', now),
      );
  }
  return { record, check_at: record.deadline, alerts };
}

/**
 * An expected site (config `expected_sites`) without a record: watched from now, so one that never
 * sends a heartbeat raises SiteHeartbeatMissing after `missing_after` like one that fell silent.
 */
export function onExpectedSite(site: string, missingAfter: number, now: number): HeartbeatChange {
  const record: HeartbeatRecord = {
    key: site,
    site,
    last_at: now,
    never_seen: true,
    missing_after: missingAfter,
    deadline: now + missingAfter,
    missing: false,
  };
  return { record, check_at: record.deadline, alerts: [] };
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
  if (now < record.deadline) return { record, check_at: record.deadline, alerts: [] };
  const next = { ...record, missing: true };
  return {
    record: next,
    check_at: now + record.missing_after,
    alerts: [heartbeatAlert(next, 'firing', settings.severity, now)],
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
  };
  if (r.agent) labels.agent = r.agent;
  if (r.site) labels.site = r.site;
  const silentFor = Math.round((Math.max(now, r.deadline) - r.last_at) / 1000);
  const who = r.site ? `Site ${r.site}` : `Agent ${r.agent}`;
  return {
    labels,
    annotations: r.never_seen
      ? {
          summary: `${who}: no heartbeat since watching began ${silentFor} s ago (an expected site that never sent one)`,
          watched_since: new Date(r.last_at).toISOString(),
        }
      : {
          summary: `${who}: no heartbeat for ${silentFor} s`,
          last_seen_at: new Date(r.last_at).toISOString(),
        },
    severity,
    status,
    starts_at: new Date(r.deadline).toISOString(),
    ...(status === 'resolved' ? { ends_at: new Date(now).toISOString() } : {}),
  };
}

function monitorAlert(
  r: HeartbeatRecord,
  monitor: string,
  detail: string | undefined,
  status: 'firing' | 'resolved',
  now: number,
): Alert {
  const labels: Record<string, string> = {
    alertname: MONITOR_FAILING_ALERTNAME,
    type: HEARTBEAT_EVENT_TYPE,
    monitor,
  };
  if (r.agent) labels.agent = r.agent;
  if (r.site) labels.site = r.site;
  const who = r.site ? `Site ${r.site}` : `Agent ${r.agent}`;
  return {
    labels,
    annotations: {
      summary: `${who}: monitor ${monitor} ${status === 'firing' ? 'reports a failure' : 'is ok again'}${detail ? `: ${detail}` : ''}`,
    },
    severity: MONITOR_FAILING_SEVERITY,
    status,
    starts_at: new Date(now).toISOString(),
    ...(status === 'resolved' ? { ends_at: new Date(now).toISOString() } : {}),
  };
}
