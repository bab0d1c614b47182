import type { FieldDiff } from '@fieldops/contracts/chirpstack/v1';
import type { PlanState, PlanStep } from '../steps.js';
import { change, duplicateProblem, pickOldest } from './diff.js';

// Applications and device profiles are planned the same way: listed once per tenant (a page of
// 1,000), matched by name (not unique in ChirpStack: the oldest wins and the plan reports the
// others), then a Get of the match to diff the fields fieldops manages.

/** An entity of a tenant as its List returns it. */
export interface NamedItem {
  id: string;
  name: string;
  created_at: Date | null;
}

const PAGE = 1000;

/** Groups what a tenant-scoped List returned by name, counting the pages read. */
export function groupByName<T extends NamedItem>(s: PlanState, items: T[]): Map<string, T[]> {
  s.reads += Math.max(1, Math.ceil(items.length / PAGE));
  const byName = new Map<string, T[]>();
  for (const item of items) byName.set(item.name, [...(byName.get(item.name) ?? []), item]);
  return byName;
}

/** How one kind of named entity is planned. */
export interface NamedKind<Spec extends { name: string }, Current> {
  kind: 'application' | 'device_profile';
  /** In messages: "application", "device profile". */
  label: string;
  /** Where the plan context keeps the ids found, by name. */
  ids: Record<string, string>;
  /** The fields a create sets. */
  createDiff(spec: Spec): FieldDiff[];
  /** Reads the matched entity. */
  get(id: string): Promise<Current>;
  /** The managed fields that differ from the spec. */
  diff(current: Current, spec: Spec): FieldDiff[];
}

/** Plans `specs` against the entities found by name: create, update or unchanged per spec. */
export async function planByName<Spec extends { name: string }, Current>(
  specs: readonly Spec[],
  byName: Map<string, NamedItem[]>,
  s: PlanState,
  k: NamedKind<Spec, Current>,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const spec of specs) {
    const hits = byName.get(spec.name) ?? [];
    const hit = pickOldest(hits);
    if (!hit) {
      const diff = k.createDiff(spec);
      steps.push({
        kind: k.kind,
        action: 'create',
        spec,
        change: change(k.kind, spec.name, 'create', diff),
      } as PlanStep);
      continue;
    }
    if (hits.length > 1) {
      const ids = hits.map((h) => h.id);
      s.problems.push({ key: spec.name, message: duplicateProblem(k.label, spec.name, ids, hit.id) });
    }
    k.ids[spec.name] = hit.id;
    const current = await k.get(hit.id);
    s.reads += 1;
    const diff = k.diff(current, spec);
    const action = diff.length ? 'update' : 'unchanged';
    const step = {
      kind: k.kind,
      action,
      spec,
      id: hit.id,
      change: change(k.kind, spec.name, action, diff, hit.id),
    };
    steps.push(step as PlanStep);
  }
  return steps;
}
