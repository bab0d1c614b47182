import { createHash } from 'node:crypto';
import type { EntityHash, FleetEntityKind } from '@fieldops/contracts/chirpstack/v1';

// One content hash per entity lets a site send only what changed and lets the centre and `fleet
// diff` compare a site with its mirror without field-by-field reads. The hash covers what a restore
// writes back (configuration), never status that moves on its own (last seen, battery, state):
// otherwise every uplink would make every device "changed".

/**
 * Left out of the hash: status (moves on its own) and the site's own ids (a restored site has new
 * ones; tenants, applications and profiles are compared by name, devices and gateways by EUI).
 */
export const HASH_EXCLUDED: ReadonlySet<string> = new Set([
  'hash',
  'id',
  'last_seen_at',
  'battery_level',
  'margin',
  'external_power_source',
  'state',
  // Reported by the gateway itself (the bridge), not configured: a restored gateway has none until it reports.
  'metadata',
]);

/** JSON with object keys sorted at every level and undefined members dropped: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The configuration part of an entity: every field except status and the hash itself. */
export function configOf<T extends object>(entity: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) if (!HASH_EXCLUDED.has(k)) out[k] = v;
  return out as Partial<T>;
}

/** `sha256:` + hex over the kind and the canonical JSON of the entity's configuration. */
export function entityHash(kind: FleetEntityKind, entity: object): EntityHash {
  const digest = createHash('sha256')
    .update(`fieldops-fleet-v1\0${kind}\0${canonicalJson(configOf(entity))}`)
    .digest('hex');
  return `sha256:${digest}` as EntityHash;
}

/** The entity with its `hash` set. */
export function withHash<T extends object>(kind: FleetEntityKind, entity: T): T & { hash: EntityHash } {
  return { ...entity, hash: entityHash(kind, entity) };
}
