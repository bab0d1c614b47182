// What a group flush decides, after grouping: inhibit -> silence / time intervals -> dedup. A pure
// function over the group's alerts: it returns the decision and the notification log entry to record;
// the engine persists them and runs escalate -> deliver.
import type { RouteNode } from '../config.js';
import type { AlertRecord } from '../types.js';
import type { DedupStage, NotificationLogEntry } from './dedup.js';
import type { MuteStage } from './mute.js';

/** The result of the mute and dedup steps for one group flush. */
export interface FlushDecision {
  /** Firing, unacknowledged alerts to show (not muted). */
  firing: AlertRecord[];
  /** Resolved alerts to show (not muted); shown only with `send_resolved`. */
  resolved: AlertRecord[];
  /** Resolved alerts that leave the group after this flush (all but those held by a time interval). */
  removable: string[];
  /** The receiver must be told: the entry to record in the notification log; undefined when not. */
  nflog: NotificationLogEntry | undefined;
}

/** What the decision reads: the muters and the notification log. */
export interface FlushDecisionDeps {
  muter: MuteStage;
  dedup: DedupStage;
}

/**
 * Decides a flush of `group_key` for `receiver`: each alert is muted or shown; when every alert is
 * muted the pipeline stops and the log stays as it was (muting neither produces an "all clear" nor
 * makes the alerts look new when it ends, as in Alertmanager); otherwise the notification log says
 * whether the receiver must hear about the group again.
 */
export function decideFlush(
  deps: FlushDecisionDeps,
  records: readonly AlertRecord[],
  route: RouteNode,
  receiver: string,
  groupKey: string,
  now: number,
): FlushDecision {
  const firing: AlertRecord[] = [];
  const resolved: AlertRecord[] = [];
  const removable: string[] = [];
  let mutedAny = false;
  for (const r of records) {
    const why = deps.muter.why(r, route, now);
    // A resolved alert held by a time interval stays, so the first flush after it reports it.
    if (r.status === 'resolved' && why !== 'quiet') removable.push(r.fingerprint);
    if (why) {
      mutedAny = true;
      continue;
    }
    if (r.status === 'firing') {
      if (!r.acked) firing.push(r);
    } else resolved.push(r);
  }
  const allMuted = mutedAny && firing.length === 0 && resolved.length === 0;
  const firingFps = firing.map((r) => r.fingerprint).sort();
  const resolvedFps = resolved.map((r) => r.fingerprint).sort();
  const notify =
    !allMuted &&
    deps.dedup.needsUpdate(
      receiver,
      groupKey,
      firingFps,
      resolvedFps,
      route.send_resolved,
      route.repeat_interval,
      now,
    );
  return {
    firing,
    resolved,
    removable,
    nflog: notify
      ? { receiver, group_key: groupKey, firing: firingFps, resolved: resolvedFps, at: now }
      : undefined,
  };
}
