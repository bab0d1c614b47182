// What a flush or an escalation step shows: muting decisions and the notification data.
import type { RouteNode } from '../config.js';
import { maxSeverity, type NotificationData } from '../notification.js';
import type { Incident } from '../stages/escalate.js';
import type { AlertRecord, Labels } from '../types.js';
import type { EngineContext } from './context.js';

/** Why an alert is not notified now (inhibited, silenced, time intervals / quiet hours), or undefined. */
export function muted(
  s: EngineContext,
  record: AlertRecord,
  route: RouteNode,
  now: number,
): 'inhibited' | 'silenced' | 'quiet' | undefined {
  return s.muter.why(record, route, now);
}

/** The data a message is rendered from, with the ack codes of the firing alerts. */
export function buildNotification(
  s: EngineContext,
  kind: NotificationData['kind'],
  receiver: string,
  groupKey: string,
  groupLabels: Labels,
  firing: AlertRecord[],
  resolved: AlertRecord[],
  now: number,
  escalation?: { level: number; loop: number },
): NotificationData {
  const codes: string[] = [];
  let newest: Incident | undefined;
  for (const r of firing) {
    const inc = r.incident_id ? s.escalateStage.get(r.incident_id) : undefined;
    if (!inc) continue;
    if (!codes.includes(inc.ack_code)) codes.push(inc.ack_code);
    if (!newest || inc.opened_at >= newest.opened_at) newest = inc;
  }
  const all = [...firing, ...resolved];
  return {
    id: s.newId('ntf'),
    kind,
    receiver,
    group_key: groupKey,
    group_labels: groupLabels,
    status: firing.length > 0 ? 'firing' : 'resolved',
    severity: maxSeverity((firing.length > 0 ? firing : all).map((r) => r.severity)),
    alerts: all.map((r) => ({
      fingerprint: r.fingerprint,
      status: r.status,
      severity: r.severity,
      labels: r.labels,
      annotations: r.annotations,
      starts_at: r.starts_at,
      ...(r.ends_at ? { ends_at: r.ends_at } : {}),
    })),
    firing: firing.map((r) => r.fingerprint),
    resolved: resolved.map((r) => r.fingerprint),
    ...(newest ? { ack_code: newest.ack_code } : {}),
    ack_codes: codes,
    ...(escalation ? { escalation } : {}),
    created_at: now,
  };
}
