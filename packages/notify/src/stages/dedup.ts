/** One notification log entry: what a receiver was last told about a group. */
export interface NotificationLogEntry {
  receiver: string;
  group_key: string;
  firing: string[];
  resolved: string[];
  /** When it was sent (ms). */
  at: number;
}

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
export class DedupStage {
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
    const sets = this.sets.get(k) as { firing: Set<string>; resolved: Set<string> };
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
    this.sets.set(k, { firing: new Set(entry.firing), resolved: new Set(entry.resolved) });
  }

  /** Forgets a receiver's entry for a group (the group is gone). */
  delete(receiver: string, groupKey: string): void {
    const k = nflogKey(receiver, groupKey);
    this.log.delete(k);
    this.sets.delete(k);
  }
}
