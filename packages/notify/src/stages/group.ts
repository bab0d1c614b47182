import type { RouteNode } from '../config.js';
import type { Labels } from '../types.js';

/** One aggregation group: the alerts of one route sharing the `group_by` label values. */
export interface GroupState {
  key: string;
  route_id: string;
  receiver: string;
  labels: Labels;
  fingerprints: string[];
  /** When the group was created (ms). */
  created_at: number;
  /** When the next flush is due (ms). */
  next_flush_at: number;
}

/** The group key: route id + the group labels, `0.1:{alertname="GatewayOffline",site="site_…"}`. */
export function buildGroupKey(route: RouteNode, labels: Labels): { key: string; labels: Labels } {
  const names = route.group_by === 'all' ? Object.keys(labels).sort() : route.group_by;
  const groupLabels: Labels = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined) groupLabels[n] = v;
  }
  return { key: groupKeyOf(route, labels), labels: groupLabels };
}

const NEEDS_QUOTING = /["\\\n]/;

/** Just the group key (the hot path: no label object is built). */
export function groupKeyOf(route: RouteNode, labels: Labels): string {
  const names = route.group_by === 'all' ? Object.keys(labels).sort() : route.group_by;
  let text = '';
  for (const n of names) {
    const v = labels[n];
    if (v === undefined) continue;
    const q = NEEDS_QUOTING.test(v) ? JSON.stringify(v) : `"${v}"`;
    text += text ? `,${n}=${q}` : `${n}=${q}`;
  }
  return `${route.id}:{${text}}`;
}

/**
 * The group stage: puts alerts in aggregation groups. A new group flushes after `group_wait`, then
 * every `group_interval` while it holds alerts; `repeat_interval` is the dedup stage's business.
 */
export class GroupStage {
  private readonly groups = new Map<string, { state: GroupState; fps: Set<string> }>();
  /**
   * Which groups each fingerprint is in, so a resolved alert is forgotten when no group holds it.
   * Nearly every alert is in one group, so that case is a bare string rather than a Set per alert.
   */
  private readonly byAlert = new Map<string, string | string[]>();

  /** Number of groups. */
  get size(): number {
    return this.groups.size;
  }

  /** A group by key. */
  get(key: string): GroupState | undefined {
    return this.groups.get(key)?.state;
  }

  /** Every group. */
  all(): IterableIterator<GroupState> {
    const it = this.groups.values();
    return (function* () {
      for (const g of it) yield g.state;
    })();
  }

  /** Puts an alert in its group for `route`; `created` tells the caller to schedule the first flush. */
  insert(
    route: RouteNode,
    labels: Labels,
    fingerprint: string,
    now: number,
    startedAt = now,
  ): { group: GroupState; created: boolean; added: boolean } {
    const key = groupKeyOf(route, labels);
    let entry = this.groups.get(key);
    let created = false;
    if (!entry) {
      const groupLabels = buildGroupKey(route, labels).labels;
      const state: GroupState = {
        key,
        route_id: route.id,
        receiver: route.receiver,
        labels: groupLabels,
        fingerprints: [],
        created_at: now,
        // An alert that started longer than group_wait ago (a late event, a backfill) does not wait
        // again: the new group flushes right away (Alertmanager).
        next_flush_at: startedAt + route.group_wait <= now ? now : now + route.group_wait,
      };
      entry = { state, fps: new Set() };
      this.groups.set(key, entry);
      created = true;
    }
    const added = !entry.fps.has(fingerprint);
    if (added) {
      entry.fps.add(fingerprint);
      entry.state.fingerprints.push(fingerprint);
      const held = this.byAlert.get(fingerprint);
      if (held === undefined) this.byAlert.set(fingerprint, key);
      else if (typeof held === 'string') {
        if (held !== key) this.byAlert.set(fingerprint, [held, key]);
      } else if (!held.includes(key)) held.push(key);
    }
    return { group: entry.state, created, added };
  }

  /** Restores a persisted group, empty: alerts are put back in by routing them again. */
  restore(state: GroupState): void {
    this.groups.set(state.key, { state: { ...state, fingerprints: [] }, fps: new Set() });
  }

  /** Removes alerts from a group; returns the fingerprints no group holds any more. */
  remove(key: string, fingerprints: Iterable<string>): string[] {
    const entry = this.groups.get(key);
    if (!entry) return [];
    const orphaned: string[] = [];
    for (const fp of fingerprints) {
      if (!entry.fps.delete(fp)) continue;
      const held = this.byAlert.get(fp);
      const rest =
        typeof held === 'string' ? (held === key ? [] : [held]) : (held ?? []).filter((k) => k !== key);
      if (rest.length === 0) {
        this.byAlert.delete(fp);
        orphaned.push(fp);
      } else this.byAlert.set(fp, rest.length === 1 ? (rest[0] as string) : rest);
    }
    entry.state.fingerprints = [...entry.fps];
    return orphaned;
  }

  /** Deletes an empty group. */
  delete(key: string): void {
    this.groups.delete(key);
  }

  /** The keys of the groups holding an alert. */
  groupsOf(fingerprint: string): string[] {
    const held = this.byAlert.get(fingerprint);
    return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
  }
}
