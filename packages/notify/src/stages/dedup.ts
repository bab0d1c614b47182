import type { NotificationLogEntry } from '../model.js';
import type { AlertRecord } from '../types.js';
import type { Flush } from './flush-state.js';
import { NO_CHANGES, type Stage, type StageResult } from './stage.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { NotificationLogEntry } from '../model.js';

/** The notification log key: receiver + group key. */
export function nflogKey(receiver: string, groupKey: string): string {
  return `${receiver}\u0000${groupKey}`;
}

function isSubset(items: readonly string[], of: ReadonlySet<string>): boolean {
  for (const i of items) if (!of.has(i)) return false;
  return true;
}

/**
 * The dedup stage (Alertmanager's notification log): a receiver hears about a group again only when
 * a new alert fires, an alert resolves (with `send_resolved`), all alerts resolved after it was told
 * some were firing, or `repeat_interval` passed.
 */
export class DedupStage implements Stage<Flush, Flush> {
  readonly name = 'dedup' as const;

  private readonly log = new Map<string, NotificationLogEntry>();
  private readonly sets = new Map<string, { firing: Set<string>; resolved: Set<string> }>();

  /** Number of entries. */
  get size(): number {
    return this.log.size;
  }

  /** The entry for a receiver and group. */
  get(receiver: string, groupKey: string): NotificationLogEntry | undefined {
    return this.log.get(nflogKey(receiver, groupKey));
  }

  /**
   * Splits what no muter muted into firing (unacknowledged) and resolved alerts and decides whether the
   * receiver must hear about the group: when every alert was muted the log stays as it was (muting
   * neither produces an "all clear" nor makes the alerts look new when it ends, as in Alertmanager).
   * Changes: the notification log entry, when the receiver is told.
   */
  run(flush: Flush, now: number): StageResult<Flush> {
    const firing: AlertRecord[] = [];
    const resolved: AlertRecord[] = [];
    let removable = flush.removable;
    for (const r of flush.alerts) {
      if (r.status === 'firing') {
        if (!r.acked) firing.push(r);
      } else {
        resolved.push(r);
        if (removable === flush.removable) removable = [...removable];
        (removable as string[]).push(r.fingerprint);
      }
    }
    const allMuted = flush.mutedAny && firing.length === 0 && resolved.length === 0;
    const firingFps = firing.map((r) => r.fingerprint).sort();
    const resolvedFps = resolved.map((r) => r.fingerprint).sort();
    const { receiver, route } = flush;
    const groupKey = flush.group.key;
    const notify =
      !allMuted &&
      this.needsUpdate(
        receiver,
        groupKey,
        firingFps,
        resolvedFps,
        route.send_resolved,
        route.repeat_interval,
        now,
      );
    if (!notify) return { changes: NO_CHANGES, next: { ...flush, firing, resolved, removable } };
    const nflog: NotificationLogEntry = {
      receiver,
      group_key: groupKey,
      firing: firingFps,
      resolved: resolvedFps,
      at: now,
    };
    return {
      changes: [{ op: 'put', collection: 'nflog', key: nflogKey(receiver, groupKey), doc: nflog }],
      next: { ...flush, firing, resolved, removable, nflog },
    };
  }

  /** True when the receiver must be notified. */
  needsUpdate(
    receiver: string,
    groupKey: string,
    firing: readonly string[],
    resolved: readonly string[],
    sendResolved: boolean,
    repeatInterval: number,
    now: number,
  ): boolean {
    const k = nflogKey(receiver, groupKey);
    const entry = this.log.get(k);
    if (!entry) return firing.length > 0;
    const sets = this.setsOf(k, entry);
    if (!isSubset(firing, sets.firing)) return true;
    // Everything resolved: tell the receiver if it was told something was firing (regardless of
    // send_resolved, so the log is cleared); alerts that fired and resolved unseen are not news.
    if (firing.length === 0) return entry.firing.length > 0;
    if (sendResolved && !isSubset(resolved, sets.resolved)) return true;
    return entry.at + repeatInterval <= now;
  }

  /** Records a sent notification. */
  record(entry: NotificationLogEntry): void {
    const k = nflogKey(entry.receiver, entry.group_key);
    this.log.set(k, entry);
    // The sets are built on first use: a restart records every stored entry, most never compared.
    this.sets.delete(k);
  }

  private setsOf(k: string, entry: NotificationLogEntry): { firing: Set<string>; resolved: Set<string> } {
    let sets = this.sets.get(k);
    if (!sets) {
      sets = { firing: new Set(entry.firing), resolved: new Set(entry.resolved) };
      this.sets.set(k, sets);
    }
    return sets;
  }

  /** Forgets a receiver's entry for a group (the group is gone). */
  delete(receiver: string, groupKey: string): void {
    const k = nflogKey(receiver, groupKey);
    this.log.delete(k);
    this.sets.delete(k);
  }
}
