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
import { runStages, type StagesOutcome } from './pipeline.js';

/**
 * Ingests one input: validate, dedup by event key, update the alert record, route and group it. The
 * common case (a new or changed firing alert, under the alert cap) completes synchronously: a queue
 * task that needs no await costs no promise.
 */
export function ingestNow(s: EngineContext, input: IngestInput): IngestResult | Promise<IngestResult> {
  const now = s.clock.now();
  const run = runStages<Grouped>(s.pipeline.onInput, input, now, s.apply);
  const stop = run.stop as IngestStop | undefined;
  if (stop?.kind === 'duplicate') return { kind: 'duplicate' };
  if (isHeartbeat(s, input)) return afterHeartbeat(s, input, run, now);
  return afterStages(s, run, now);
}

/**
 * The dead-man's switch: a heartbeat moves its site's deadline, ends a SiteHeartbeatMissing and
 * reports its failing monitors; then the heartbeat's own outcome.
 */
async function afterHeartbeat(
  s: EngineContext,
  input: Parameters<typeof observeHeartbeat>[1],
  run: StagesOutcome<Grouped>,
  now: number,
): Promise<IngestResult> {
  for (const alert of await observeHeartbeat(s, input, now)) await ingestNow(s, alert);
  return afterStages(s, run, now);
}

/** What follows from the alert's new state: a resolution settles its incident, the alert cap holds. */
function afterStages(
  s: EngineContext,
  run: StagesOutcome<Grouped>,
  now: number,
): IngestResult | Promise<IngestResult> {
  if (!run.next) return run.stop as IngestStop;
  const { record, isNew, groups } = run.next;
  const fingerprint = record.fingerprint;
  const result: IngestResult = {
    kind: 'alert',
    fingerprint,
    status: record.status,
    groups: groups as string[],
  };
  // Ingest never creates a resolved alert, so a new alert has nothing to settle.
  if (record.status === 'resolved') return settleIncidentOf(s, record).then(() => result);
  if (isNew && record.severity !== 'critical') s.overflow.candidates.add(fingerprint);
  // Past the cap, only non-critical alerts can be dropped: with none held there is nothing to do (a
  // flood of critical alerts does not take the async path on every ingest).
  if (
    isNew &&
    s.alerts.size > s.config.maxAlerts &&
    s.overflow.candidates.size > 0 &&
    record.labels.alertname !== ALERTS_DROPPED_ALERTNAME
  ) {
    return (async () => {
      if ((await enforceAlertCap(s)) > 0) await ingestNow(s, buildAlertsDroppedAlert(s, now));
      return result;
    })();
  }
  return result;
}
