import type { Severity } from '@fieldops/contracts/notify/v1';
import type { Labels } from './types.js';

/** One alert as a notification shows it. */
export interface NotificationAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  labels: Labels;
  annotations: Labels;
  starts_at: string;
  ends_at?: string;
}

/**
 * What happened to an incident that everyone paged for it is told once: acknowledged (by whom, how)
 * or resolved.
 */
export interface IncidentNotice {
  event: 'acknowledged' | 'resolved';
  /** The incident's code (no longer to be replied with: the notice carries no `ack_code`). */
  incident_code: string;
  /** Acknowledged: who, how, when (ISO) and the note they left. */
  by?: string;
  via?: string;
  at: string;
  note?: string;
}

/** Everything a message is rendered from: a group notification, an escalation step or an incident notice. */
export interface NotificationData {
  id: string;
  kind: 'group' | 'escalation' | 'notice';
  receiver: string;
  group_key: string;
  group_labels: Labels;
  /** `firing` when anything fires, `resolved` when everything resolved. */
  status: 'firing' | 'resolved';
  /** Highest severity among firing alerts (or of all alerts when none fires). */
  severity: Severity;
  alerts: NotificationAlert[];
  firing: string[];
  resolved: string[];
  /** The code to reply with (the newest incident of the firing alerts). */
  ack_code?: string;
  ack_codes: string[];
  escalation?: { level: number; loop: number };
  /** Present on `kind: 'notice'`: an acknowledgement or resolution told to everyone paged. */
  notice?: IncidentNotice;
  created_at: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The highest severity of a list (info when empty). */
export function maxSeverity(list: Iterable<Severity>): Severity {
  let best: Severity = 'info';
  for (const s of list) if (RANK[s] > RANK[best]) best = s;
  return best;
}
