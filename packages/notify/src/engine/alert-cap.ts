// A bounded number of alerts in memory: past `max_alerts`, the oldest non-critical alerts are dropped
// and one meta-alert says how many; critical alerts are never dropped.
import type { Alert } from '@fieldops/contracts/notify/v1';
import { nflogKey } from '../stages/dedup.js';
import type { EngineContext } from './context.js';
import { releaseEventKey } from './event-keys.js';

/** The `alertname` of the meta-alert raised when alerts are dropped. */
export const ALERTS_DROPPED_ALERTNAME = 'NotifyAlertsDropped';

/**
 * Drops the oldest non-critical alerts (first seen first) until at most `max_alerts` are held; returns
 * how many were dropped. The meta-alert and critical alerts are kept.
 */
export async function enforceAlertCap(s: EngineContext): Promise<number> {
  const cap = s.config.maxAlerts;
  if (s.alerts.size <= cap) return 0;
  let dropped = 0;
  // A Set iterates in insertion order: the alerts first seen longest ago come first. Only non-critical
  // alerts are candidates, so a map full of critical alerts is not scanned on every ingest; an entry
  // that is gone or became critical is skipped and forgotten.
  const candidates = s.overflow.candidates;
  for (const fp of candidates) {
    if (s.alerts.size <= cap) break;
    candidates.delete(fp);
    const r = s.alerts.get(fp);
    if (!r || r.severity === 'critical' || r.labels.alertname === ALERTS_DROPPED_ALERTNAME) continue;
    await forgetAlert(s, fp);
    dropped++;
  }
  s.overflow.dropped += dropped;
  if (dropped > 0) {
    s.logger.warn(
      { component: 'notify', dropped, total_dropped: s.overflow.dropped, max_alerts: cap },
      'alert cap reached: oldest non-critical alerts dropped',
    );
  }
  return dropped;
}

/** The meta-alert that reports dropped alerts (one fingerprint, refreshed with the running count). */
export function buildAlertsDroppedAlert(s: EngineContext, now: number): Alert {
  return {
    labels: { alertname: ALERTS_DROPPED_ALERTNAME, component: 'notify' },
    annotations: {
      summary: `notify dropped ${s.overflow.dropped} non-critical alerts: more than max_alerts (${s.config.maxAlerts}) were firing`,
    },
    severity: 'warning',
    status: 'firing',
    starts_at: new Date(now).toISOString(),
  };
}

/** Removes an alert from memory, its groups (empty groups go too) and the store. */
async function forgetAlert(s: EngineContext, fp: string): Promise<void> {
  const r = s.alerts.get(fp);
  for (const key of s.groupStage.groupsOf(fp)) {
    s.groupStage.remove(key, [fp]);
    const group = s.groupStage.get(key);
    if (group && group.fingerprints.length === 0) {
      s.groupStage.delete(key);
      s.scheduler.cancel(`g:${key}`);
      s.dedupStage.delete(group.receiver, key);
      await s.store.delete('groups', key);
      await s.store.delete('nflog', nflogKey(group.receiver, key));
    }
  }
  if (r) {
    s.inhibitStage.forget(r);
    releaseEventKey(s, r);
  }
  s.alerts.delete(fp);
  s.overflow.candidates.delete(fp);
  await s.store.delete('alerts', fp);
}
