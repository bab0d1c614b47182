// One flush of a group as it goes through the flush stages (inhibit -> silence -> time intervals ->
// dedup -> escalate -> deliver, in the order of src/engine/pipeline.ts), and the muters as stages.
import type { RouteNode } from '../config.js';
import type { GroupState, Incident, NotificationLogEntry } from '../model.js';
import type { AlertRecord } from '../types.js';
import type { Muter } from './mute.js';
import { NO_CHANGES, type Stage, type StageName, type StageResult } from './stage.js';

/** One flush of one group, as it goes through the stages. */
export interface Flush {
  readonly group: GroupState;
  readonly route: RouteNode;
  readonly receiver: string;
  /** The group's alerts no muter has muted so far. */
  readonly alerts: readonly AlertRecord[];
  /** True once a muter muted an alert. */
  readonly mutedAny: boolean;
  /** Resolved alerts that leave the group after this flush (all but those held by a time interval). */
  readonly removable: readonly string[];
  /** Set by dedup: firing, unacknowledged alerts to show. */
  readonly firing?: readonly AlertRecord[];
  /** Set by dedup: resolved alerts to show (shown only with `send_resolved`). */
  readonly resolved?: readonly AlertRecord[];
  /** Set by dedup when the receiver must be told: the notification log entry recorded for it. */
  readonly nflog?: NotificationLogEntry;
  /** Set by escalate: the incident opened for alerts notified for the first time. */
  readonly incident?: Incident;
}

/** A flush of `group` before the stages: every alert of the group, nothing decided yet. */
export function startFlush(group: GroupState, route: RouteNode, alerts: readonly AlertRecord[]): Flush {
  return { group, route, receiver: group.receiver, alerts, mutedAny: false, removable: [] };
}

/**
 * A muter as a pipeline stage: the alerts it mutes leave the flush. A resolved alert muted by a time
 * interval stays in the group, so the first flush after the interval reports it; one muted otherwise
 * leaves the group.
 */
export class MuterStage implements Stage<Flush, Flush> {
  constructor(
    readonly name: StageName,
    readonly muter: Muter,
  ) {}

  run(flush: Flush, now: number): StageResult<Flush> {
    let kept: AlertRecord[] | undefined;
    let removable: string[] | undefined;
    const { alerts, route } = flush;
    for (let i = 0; i < alerts.length; i++) {
      const r = alerts[i] as AlertRecord;
      if (!this.muter.mutes(r, route, now)) {
        kept?.push(r);
        continue;
      }
      kept ??= alerts.slice(0, i);
      if (r.status === 'resolved' && this.muter.reason !== 'quiet') {
        removable ??= [...flush.removable];
        removable.push(r.fingerprint);
      }
    }
    if (!kept) return { changes: NO_CHANGES, next: flush };
    return {
      changes: NO_CHANGES,
      next: { ...flush, alerts: kept, mutedAny: true, removable: removable ?? flush.removable },
    };
  }
}

/** The stage each kind of muter is. */
export const MUTER_STAGE: Readonly<Record<Muter['reason'], StageName>> = {
  inhibited: 'inhibit',
  silenced: 'silence',
  quiet: 'time_intervals',
};
