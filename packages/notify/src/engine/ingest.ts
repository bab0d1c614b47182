// An input through the pipeline's first stages (ingest -> route -> group, src/engine/pipeline.ts),
// each stage's changes applied as it goes; then what follows from the alert's new state: a heartbeat
// moves its site's deadline, a resolution settles the incident, the alert cap holds.

import type { Grouped } from '../stages/group.js';
import type { IngestInput, IngestStop } from '../stages/ingest.js';
import type { IngestResult } from '../types.js';
import { ALERTS_DROPPED_ALERTNAME, buildAlertsDroppedAlert, enforceAlertCap } from './alert-cap.js';
import type { EngineContext } from './context.js';
import { isHeartbeat, observeHeartbeat } from './heartbeats.js';
import { settleIncidentOf } from './incidents.js';
import { runStages } from './pipeline.js';

/** Ingests one input: validate, dedup by event key, update the alert record, route and group it. */
export async function ingestNow(s: EngineContext, input: IngestInput): Promise<IngestResult> {
  const now = s.clock.now();
  const run = runStages<Grouped>(s.pipeline.onInput, input, now, s.apply);
  const stop = run.stop as IngestStop | undefined;
  if (stop?.kind === 'duplicate') return { kind: 'duplicate' };
  if (isHeartbeat(s, input)) {
    // The dead-man's switch: a heartbeat moves its site's deadline, ends a SiteHeartbeatMissing and
    // reports its failing monitors.
    for (const alert of await observeHeartbeat(s, input, now)) await ingestNow(s, alert);
  }
  if (!run.next) return stop as IngestStop;
  const { record, isNew, groups } = run.next;
  if (record.status === 'resolved') await settleIncidentOf(s, record);
  const fingerprint = record.fingerprint;
  if (isNew && record.severity !== 'critical') s.overflow.candidates.add(fingerprint);
  if (
    isNew &&
    s.alerts.size > s.config.maxAlerts &&
    record.labels.alertname !== ALERTS_DROPPED_ALERTNAME &&
    (await enforceAlertCap(s)) > 0
  ) {
    await ingestNow(s, buildAlertsDroppedAlert(s, now));
  }
  return { kind: 'alert', fingerprint, status: record.status, groups: groups as string[] };
}
