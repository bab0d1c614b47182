// Incident notices: when an incident is acknowledged or resolved, everyone its pages reached is told,
// once each, on the channel that reached them. A pure decision: the engine queues what it returns.
import { maxSeverity, type NotificationAlert, type NotificationData } from '../notification.js';
import type { AlertRecord, ChannelAddress } from '../types.js';
import type { Incident } from './escalate.js';

/** One notice to queue: the message data and who gets it, on which address. */
export interface NoticeDelivery {
  receiver: string;
  contact: string;
  chain: ChannelAddress[];
  data: NotificationData;
}

/** What the notice decision reads besides the incident. */
export interface NoticeInput {
  /** The incident's alerts as they are now (those the engine still holds). */
  alerts: readonly AlertRecord[];
  /** The labels of the incident's group. */
  groupLabels: Record<string, string>;
  /**
   * The route's receiver when the group's own resolved notification (`send_resolved`) tells it of the
   * resolution: its contacts get no second, resolved notice.
   */
  resolvedByGroup: string | undefined;
  newId: (prefix: string) => string;
  now: number;
}

/** The key under which a notice is remembered as queued (`Incident.notices`). */
export function noticeKey(event: 'acknowledged' | 'resolved', receiver: string, contact: string): string {
  return `${event}:${receiver}/${contact}`;
}

/**
 * The notices an incident owes now: an acknowledged incident tells every paged contact it was
 * acknowledged, a resolved one that it resolved; contacts already told (in `incident.notices`) are
 * skipped, so calling this again (a late page, a restart) adds only what is missing. Returns the
 * deliveries and the keys to add to `incident.notices`.
 */
export function decideNotices(
  incident: Incident,
  input: NoticeInput,
): { deliveries: NoticeDelivery[]; keys: string[] } {
  const event =
    incident.status === 'acknowledged'
      ? 'acknowledged'
      : incident.status === 'resolved'
        ? 'resolved'
        : undefined;
  if (!event || !incident.paged?.length) return { deliveries: [], keys: [] };
  const deliveries: NoticeDelivery[] = [];
  const keys: string[] = [];
  const done = new Set(incident.notices ?? []);
  for (const p of incident.paged) {
    const key = noticeKey(event, p.receiver, p.contact);
    if (done.has(key)) continue;
    if (event === 'resolved' && p.receiver === input.resolvedByGroup) continue;
    done.add(key);
    keys.push(key);
    deliveries.push({
      receiver: p.receiver,
      contact: p.contact,
      chain: [p.address],
      data: noticeData(incident, event, p.receiver, input),
    });
  }
  return { deliveries, keys };
}

function noticeData(
  incident: Incident,
  event: 'acknowledged' | 'resolved',
  receiver: string,
  input: NoticeInput,
): NotificationData {
  const alerts: NotificationAlert[] = input.alerts.map((r) => ({
    fingerprint: r.fingerprint,
    status: event === 'resolved' ? 'resolved' : r.status,
    severity: r.severity,
    labels: r.labels,
    annotations: r.annotations,
    starts_at: r.starts_at,
    ...(r.ends_at ? { ends_at: r.ends_at } : {}),
  }));
  const ack = event === 'acknowledged' ? incident.acked : undefined;
  return {
    id: input.newId('ntf'),
    kind: 'notice',
    receiver,
    group_key: incident.group_key,
    group_labels: input.groupLabels,
    status: event === 'resolved' ? 'resolved' : 'firing',
    severity: maxSeverity(alerts.map((a) => a.severity)),
    alerts,
    // A notice asks for nothing: no firing list (an acknowledgement cannot cancel it), no code to reply.
    firing: [],
    resolved: alerts.map((a) => a.fingerprint),
    ack_codes: [],
    notice: {
      event,
      incident_code: incident.ack_code,
      at: ack?.at ?? new Date(input.now).toISOString(),
      ...(ack ? { by: ack.by, via: ack.via, ...(ack.note ? { note: ack.note } : {}) } : {}),
    },
    created_at: input.now,
  };
}
