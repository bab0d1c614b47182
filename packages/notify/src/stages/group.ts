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

  private readonly groups = new Map<string, GroupState>();
  /**
   * Which groups each fingerprint is in: it answers membership (one lookup per ingest, no set per
   * group) and tells when no group holds a resolved alert, so it is forgotten. Nearly every alert is
   * in one group, so that case is a bare string rather than an array per alert.
   */
  private readonly byAlert = new Map<string, string | string[]>();

  /** Number of groups. */
  get size(): number {
    return this.groups.size;
  }

  /** A group by key. */
  get(key: string): GroupState | undefined {
    return this.groups.get(key);
  }

  /** Every group. */
  all(): IterableIterator<GroupState> {
    return this.groups.values();
  }

  /** True when the group `key` holds the alert. */
  private holds(key: string, fingerprint: string): boolean {
    const held = this.byAlert.get(fingerprint);
    return held === key || (typeof held === 'object' && held.includes(key));
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
      const held = this.groups.get(key);
      if (!held) {
        startedAt ??= Date.parse(record.starts_at);
        const state = newGroup(route, key, labels, now, startedAt);
        changes.push(
          { op: 'put', collection: 'groups', key, doc: state },
          { op: 'schedule', timer: `g:${key}`, at: state.next_flush_at },
        );
      }
      if (!held || !this.holds(key, fingerprint)) changes.push({ op: 'join', group: key, fingerprint });
    }
    return { changes, next: { record, isNew: input.isNew, groups } };
  }

  /** `run` for an alert that goes to one route (nearly all): the same decision, fewer allocations. */
  private runOne(input: Routed, route: RouteNode, now: number): StageResult<Grouped> {
    const { record } = input;
    const key = groupKeyOf(route, record.labels);
    const next = { record, isNew: input.isNew, groups: [key] };
    if (this.groups.has(key)) {
      return {
        changes:
          // A new alert is in no group yet: no lookup.
          !input.isNew && this.holds(key, record.fingerprint)
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
    const held = this.groups.get(state.key);
    if (!held) {
      const fresh = { ...state, fingerprints: [] };
      this.groups.set(state.key, fresh);
      return fresh;
    }
    if (held !== state) Object.assign(held, state, { fingerprints: held.fingerprints });
    return held;
  }

  /** Adds an alert to a held group (no-op when it is a member or the group is gone). */
  join(key: string, fingerprint: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    const held = this.byAlert.get(fingerprint);
    if (held === undefined) this.byAlert.set(fingerprint, key);
    else if (typeof held === 'string') {
      if (held === key) return;
      this.byAlert.set(fingerprint, [held, key]);
    } else if (held.includes(key)) return;
    else held.push(key);
    group.fingerprints.push(fingerprint);
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
    let group = this.groups.get(key);
    let created = false;
    if (!group) {
      group = this.upsert(newGroup(route, key, labels, now, startedAt));
      created = true;
    }
    const added = !this.holds(key, fingerprint);
    if (added) this.join(key, fingerprint);
    return { group, created, added };
  }

  /** Restores a persisted group, empty: alerts are put back in by routing them again. */
  restore(state: GroupState): void {
    this.delete(state.key);
    this.groups.set(state.key, { ...state, fingerprints: [] });
  }

  /** Removes alerts from a group; returns the fingerprints no group holds any more. */
  remove(key: string, fingerprints: Iterable<string>): string[] {
    const group = this.groups.get(key);
    if (!group) return [];
    const orphaned: string[] = [];
    const removed = new Set<string>();
    for (const fp of fingerprints) {
      if (removed.has(fp) || !this.leave(key, fp)) continue;
      removed.add(fp);
      if (!this.byAlert.has(fp)) orphaned.push(fp);
    }
    if (removed.size > 0) group.fingerprints = group.fingerprints.filter((fp) => !removed.has(fp));
    return orphaned;
  }

  /** Takes `key` off the groups an alert is in; false when it was not in that group. */
  private leave(key: string, fingerprint: string): boolean {
    const held = this.byAlert.get(fingerprint);
    if (held === key) {
      this.byAlert.delete(fingerprint);
      return true;
    }
    if (typeof held !== 'object') return false;
    const rest = held.filter((k) => k !== key);
    if (rest.length === held.length) return false;
    this.byAlert.set(fingerprint, rest.length === 1 ? (rest[0] as string) : rest);
    return true;
  }

  /** Deletes a group (its remaining members, if any, are no longer in it). */
  delete(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    for (const fp of group.fingerprints) this.leave(key, fp);
    this.groups.delete(key);
  }

  /** The keys of the groups holding an alert. */
  groupsOf(fingerprint: string): string[] {
    const held = this.byAlert.get(fingerprint);
    return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
  }
}
