// Ingest -> route -> group: one input becomes an alert record in its groups.

import { fingerprintOf } from '../fingerprint.js';
import type { IngestInput } from '../stages/ingest.js';
import type { IngestResult, Labels } from '../types.js';
import { ALERTS_DROPPED_ALERTNAME, buildAlertsDroppedAlert, enforceAlertCap } from './alert-cap.js';
import { type EngineContext, storedGroup } from './context.js';
import { isHeartbeat, observeHeartbeat } from './heartbeats.js';
import { settleIncidentOf } from './incidents.js';

/** Ingests one input: validate, dedup by event key, update the alert record, route and group it. */
export async function ingestNow(s: EngineContext, input: IngestInput): Promise<IngestResult> {
  const now = s.clock.now();
  const outcome = s.ingestStage.parse(input, now);
  if (outcome.key !== undefined && outcome.kind !== 'duplicate') {
    await s.store.put('events', outcome.key, {
      key: outcome.key,
      expires_at: now + s.config.eventKeyTtl,
    });
  }
  if (outcome.kind === 'duplicate') return { kind: 'duplicate' };
  if (isHeartbeat(s, input)) {
    // The dead-man's switch: a heartbeat moves its site's deadline, ends a SiteHeartbeatMissing and
    // reports its failing monitors.
    for (const alert of await observeHeartbeat(s, input, now)) await ingestNow(s, alert);
  }
  if (outcome.kind === 'ignored') return { kind: 'ignored', reason: outcome.reason };
  const a = outcome.alert;
  // `severity` is a label for matching but not part of the identity (a station going from degraded
  // to offline is the same alert).
  const labels: Labels = {};
  for (const k in a.labels) if (k !== 'severity') labels[k] = a.labels[k] as string;
  const fingerprint = a.fingerprint ?? fingerprintOf(labels);
  labels.severity = a.severity;
  let record = s.alerts.get(fingerprint);
  const isNew = !record;
  if (!record) {
    if (a.status === 'resolved') return { kind: 'ignored', reason: 'resolves an alert that is not firing' };
    record = {
      fingerprint,
      labels,
      annotations: a.annotations ?? {},
      severity: a.severity,
      status: 'firing',
      starts_at: a.starts_at,
      updated_at: now,
    };
    s.alerts.set(fingerprint, record);
  } else {
    if (record.status === 'resolved' && a.status === 'firing') {
      // Re-trigger: a new firing episode needs a new acknowledgement and a new escalation.
      delete record.acked;
      delete record.incident_id;
      delete record.ends_at;
      record.starts_at = a.starts_at;
    }
    record.labels = labels;
    record.annotations = { ...record.annotations, ...a.annotations };
    record.severity = a.severity;
    record.status = a.status;
    record.updated_at = now;
  }
  if (a.status === 'resolved') record.ends_at = a.ends_at ?? new Date(now).toISOString();
  else if (a.ends_at) record.ends_at = a.ends_at;
  else delete record.ends_at;
  if (a.source) record.source = a.source;
  if (a.event_id) record.event_id = a.event_id;
  s.inhibitStage.observe(record);
  await s.store.put('alerts', fingerprint, record);
  if (a.status === 'resolved') await settleIncidentOf(s, record);

  const groups: string[] = [];
  const startedAt = Date.parse(record.starts_at);
  for (const route of s.routeTree.match(labels)) {
    const { group, created } = s.groupStage.insert(route, labels, fingerprint, now, startedAt);
    groups.push(group.key);
    if (created) {
      s.scheduler.schedule(`g:${group.key}`, group.next_flush_at);
      await s.store.put('groups', group.key, storedGroup(group));
    }
  }
  if (isNew && a.severity !== 'critical') s.overflow.candidates.add(fingerprint);
  if (isNew && labels.alertname !== ALERTS_DROPPED_ALERTNAME && (await enforceAlertCap(s)) > 0) {
    await ingestNow(s, buildAlertsDroppedAlert(s, now));
  }
  return { kind: 'alert', fingerprint, status: record.status, groups };
}
