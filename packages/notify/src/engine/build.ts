// What an escalation step shows: muting decisions and the notification data.
import type { RouteNode } from '../config.js';
import type { NotificationData } from '../notification.js';
import { buildNotificationData } from '../stages/notification-data.js';
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
  return buildNotificationData(
    { incident: (id) => s.escalateStage.get(id), newId: s.newId },
    kind,
    receiver,
    groupKey,
    groupLabels,
    firing,
    resolved,
    now,
    escalation,
  );
}
