import type { RouteNode } from '../config.js';
import type { GroupState } from '../model.js';
import type { AlertRecord, Labels } from '../types.js';
import type { Routed } from './route.js';
import { type Change, NO_CHANGES, type Stage, type StageResult } from './stage.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { GroupState } from '../model.js';

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

/** What grouping returns: the record and the keys of the groups holding it. */
export interface Grouped {
  readonly record: AlertRecord;
  readonly isNew: boolean;
  readonly groups: readonly string[];
}

/** A new, empty group of `route` for an alert with these labels. */
function newGroup(route: RouteNode, key: string, labels: Labels, now: number, startedAt: number): GroupState {
  return {
    key,
    route_id: route.id,
    receiver: route.receiver,
    labels: buildGroupKey(route, labels).labels,
    fingerprints: [],
    created_at: now,
    // An alert that started longer than group_wait ago (a late event, a backfill) does not wait
    // again: the new group flushes right away (Alertmanager).
    next_flush_at: startedAt + route.group_wait <= now ? now : now + route.group_wait,
  };
}

/**
 * The group stage: puts alerts in aggregation groups. A new group flushes after `group_wait`, then
 * every `group_interval` while it holds alerts; `repeat_interval` is the dedup stage's business.
 */
export class GroupStage implements Stage<Routed, Grouped> {
  readonly name = 'group' as const;

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

  /**
   * Decides the groups an alert goes to: a group that does not exist yet is created (and its first
   * flush scheduled), the alert joins each group it is not in. Reads the groups; changes nothing.
   */
  run(input: Routed, now: number): StageResult<Grouped> {
    if (input.routes.length === 1) return this.runOne(input, input.routes[0] as RouteNode, now);
    const { record } = input;
    const labels = record.labels;
    const fingerprint = record.fingerprint;
    const changes: Change[] = [];
    const groups: string[] = [];
    let startedAt: number | undefined;
    for (const route of input.routes) {
      const key = groupKeyOf(route, labels);
      groups.push(key);
      const entry = this.groups.get(key);
      if (!entry) {
        startedAt ??= Date.parse(record.starts_at);
        const state = newGroup(route, key, labels, now, startedAt);
        changes.push(
          { op: 'put', collection: 'groups', key, doc: state },
          { op: 'schedule', timer: `g:${key}`, at: state.next_flush_at },
        );
      }
      if (!entry?.fps.has(fingerprint)) changes.push({ op: 'join', group: key, fingerprint });
    }
    return { changes, next: { record, isNew: input.isNew, groups } };
  }

  /** `run` for an alert that goes to one route (nearly all): the same decision, fewer allocations. */
  private runOne(input: Routed, route: RouteNode, now: number): StageResult<Grouped> {
    const { record } = input;
    const key = groupKeyOf(route, record.labels);
    const next = { record, isNew: input.isNew, groups: [key] };
    const entry = this.groups.get(key);
    if (entry) {
      return {
        changes: entry.fps.has(record.fingerprint)
          ? NO_CHANGES
          : [{ op: 'join', group: key, fingerprint: record.fingerprint }],
        next,
      };
    }
    const state = newGroup(route, key, record.labels, now, Date.parse(record.starts_at));
    return {
      changes: [
        { op: 'put', collection: 'groups', key, doc: state },
        { op: 'schedule', timer: `g:${key}`, at: state.next_flush_at },
        { op: 'join', group: key, fingerprint: record.fingerprint },
      ],
      next,
    };
  }

  /** Creates a group from its state (empty) or updates a held group's timing; members are kept. */
  upsert(state: GroupState): GroupState {
    const entry = this.groups.get(state.key);
    if (!entry) {
      const fresh = { ...state, fingerprints: [] };
      this.groups.set(state.key, { state: fresh, fps: new Set() });
      return fresh;
    }
    if (entry.state !== state) Object.assign(entry.state, state, { fingerprints: entry.state.fingerprints });
    return entry.state;
  }

  /** Adds an alert to a held group (no-op when it is a member or the group is gone). */
  join(key: string, fingerprint: string): void {
    const entry = this.groups.get(key);
    if (!entry || entry.fps.has(fingerprint)) return;
    entry.fps.add(fingerprint);
    entry.state.fingerprints.push(fingerprint);
    const held = this.byAlert.get(fingerprint);
    if (held === undefined) this.byAlert.set(fingerprint, key);
    else if (typeof held === 'string') {
      if (held !== key) this.byAlert.set(fingerprint, [held, key]);
    } else if (!held.includes(key)) held.push(key);
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
      this.upsert(newGroup(route, key, labels, now, startedAt));
      entry = this.groups.get(key) as { state: GroupState; fps: Set<string> };
      created = true;
    }
    const added = !entry.fps.has(fingerprint);
    if (added) this.join(key, fingerprint);
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
