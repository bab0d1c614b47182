import type { FieldDiff, PlanChange } from '@fieldops/contracts/chirpstack/v1';
import type { Action } from '../steps.js';
import { OWNER_TAG, SYNC_TAG } from '../sync-tag.js';

type JsonValue = Exclude<FieldDiff['to'], undefined>;

/** JSON with object keys sorted, so `{a,b}` equals `{b,a}`. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** One field's diff, or none when equal. */
export function diffValue(field: string, from: unknown, to: unknown): FieldDiff[] {
  if (stable(from) === stable(to)) return [];
  return [
    {
      field,
      ...(from !== undefined ? { from: from as JsonValue } : {}),
      ...(to !== undefined ? { to: to as JsonValue } : {}),
    },
  ];
}

/** The diff of a create: every defined field as `to`, secrets only named. */
export function createDiff(obj: Record<string, unknown>, secretFields: string[] = []): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out.push({ field: k, to: v as JsonValue });
  for (const f of secretFields) out.push({ field: f, secret: true });
  return out;
}

/** A plan change. */
export function change(
  entity: PlanChange['entity'],
  key: string,
  action: Action,
  diff: FieldDiff[],
  id?: string,
): PlanChange {
  return { entity, key, action, ...(id ? { id } : {}), diff };
}

/** Tags without the ones fieldops keeps for itself, sorted. */
export function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags)
      .filter(([k]) => k !== SYNC_TAG && k !== OWNER_TAG)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The tags an owned application, profile or gateway is written with. */
export function ownedTags(tags: Record<string, string> | undefined): Record<string, string> {
  return { ...(tags ?? {}), [OWNER_TAG]: 'true' };
}

/** True when an application, profile or gateway carries the ownership tag. */
export const isOwned = (tags: Record<string, string>): boolean => tags[OWNER_TAG] === 'true';

/** Picks one of several entities with the same name (the oldest, then the lowest id) and says so. */
export function pickOldest<T extends { id: string; created_at: Date | null }>(hits: T[]): T | undefined {
  return [...hits].sort(
    (a, b) => (a.created_at?.getTime() ?? 0) - (b.created_at?.getTime() ?? 0) || (a.id < b.id ? -1 : 1),
  )[0];
}

/** The problem text for an entity that exists more than once under one name. */
export function duplicateProblem(kind: string, name: string, ids: string[], chosen: string): string {
  return (
    `chirpstack: ${ids.length} ${kind}s are named ${JSON.stringify(name)} (${ids.join(', ')}); ` +
    `planning against ${chosen} (the oldest): delete or rename the others`
  );
}
