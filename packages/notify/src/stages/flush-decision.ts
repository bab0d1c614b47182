// What a group flush decides before escalation, as a function over the real stages: the muter stages
// (inhibit -> silence -> time intervals) and dedup. The engine runs the same stages, followed by
// escalate and deliver, in the order of src/engine/pipeline.ts.
import type { RouteNode } from '../config.js';
import type { GroupState, NotificationLogEntry } from '../model.js';
import type { AlertRecord } from '../types.js';
import type { DedupStage } from './dedup.js';
import { type Flush, MUTER_STAGE, MuterStage, startFlush } from './flush-state.js';
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
 * Decides a flush of `group_key` for `receiver` with the muter stages (in the order of `deps.muter`)
 * and the dedup stage: the same stages the engine runs, without escalate and deliver.
 */
export function decideFlush(
  deps: FlushDecisionDeps,
  records: readonly AlertRecord[],
  route: RouteNode,
  receiver: string,
  groupKey: string,
  now: number,
): FlushDecision {
  const group: GroupState = {
    key: groupKey,
    route_id: route.id,
    receiver,
    labels: {},
    fingerprints: records.map((r) => r.fingerprint),
    created_at: now,
    next_flush_at: now,
  };
  let flush = startFlush(group, route, records);
  for (const m of deps.muter.muters)
    flush = new MuterStage(MUTER_STAGE[m.reason], m).run(flush, now).next as Flush;
  flush = deps.dedup.run(flush, now).next as Flush;
  return {
    firing: [...(flush.firing ?? [])],
    resolved: [...(flush.resolved ?? [])],
    removable: [...flush.removable],
    nflog: flush.nflog,
  };
}
