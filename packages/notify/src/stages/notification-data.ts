// The data a message is rendered from (a group notification, an escalation step), with the ack codes
// of the firing alerts' incidents. Pure: incidents are looked up through the function it is given.
import type { Incident } from '../model.js';
import { maxSeverity, type NotificationData } from '../notification.js';
import type { AlertRecord, Labels } from '../types.js';

/** What building notification data reads: incidents by id and a maker of ids. */
export interface NotificationDataDeps {
  incident(id: string): Incident | undefined;
  newId(prefix: string): string;
}

/** The data a message is rendered from, with the ack codes of the firing alerts. */
export function buildNotificationData(
  deps: NotificationDataDeps,
  kind: NotificationData['kind'],
  receiver: string,
  groupKey: string,
  groupLabels: Labels,
  firing: readonly AlertRecord[],
  resolved: readonly AlertRecord[],
  now: number,
  escalation?: { level: number; loop: number },
): NotificationData {
  const codes: string[] = [];
  let newest: Incident | undefined;
  for (const r of firing) {
    const inc = r.incident_id ? deps.incident(r.incident_id) : undefined;
    if (!inc) continue;
    if (!codes.includes(inc.ack_code)) codes.push(inc.ack_code);
    if (!newest || inc.opened_at >= newest.opened_at) newest = inc;
  }
  const all = [...firing, ...resolved];
  return {
    id: deps.newId('ntf'),
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
