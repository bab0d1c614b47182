import type { FleetEntityKind } from '@fieldops/contracts/chirpstack/v1';
import { canonicalJson } from '@fieldops/sdk/chirpstack';

// Drift is a three-way comparison: the registry says what should be (desired), the site's
// ChirpStack what is (actual, authoritative), the centre what the mirror believes. Each source is
// first flattened into "views" (entity -> field -> value) by views.ts; this file only compares, so
// it is pure and tested on plain data.

/** One of the three places a fleet entity lives. */
export type DriftSource = 'registry' | 'site' | 'centre';

/** An entity's comparable fields, flattened one level (`tags.owner`, `keys.fingerprint`). */
export interface ViewEntity {
  kind: FleetEntityKind;
  key: string;
  /** The tenant the entity belongs to (for a tenant, its own name): decides the registry's scope. */
  tenant: string | undefined;
  fields: Record<string, unknown>;
}

/** Every entity of one source, by `kind:key`. */
export type EntityView = Map<string, ViewEntity>;

/**
 * The registry's view. It declares only some fields and one tenant: an undeclared field is not
 * compared, and entities of other tenants are out of its scope.
 */
export interface RegistryView {
  tenant: string;
  entities: EntityView;
}

/** Input of {@link compareFleet}: the site always; the registry and the centre when known. */
export interface CompareInput {
  site: EntityView;
  registry?: RegistryView;
  centre?: EntityView;
}

/** One field of one entity where the sources disagree. Values are absent where a source has no value. */
export interface FieldDrift {
  field: string;
  registry?: unknown;
  site?: unknown;
  centre?: unknown;
  /** Sources whose value differs from the site's (the site is the actual state). */
  disagree: DriftSource[];
}

/** One entity with at least one disagreement. */
export interface EntityDrift {
  kind: FleetEntityKind;
  key: string;
  /** Whether each compared source has the entity. */
  present: Partial<Record<DriftSource, boolean>>;
  /** Sources that disagree with the site on this entity (presence or any field). */
  disagree: DriftSource[];
  fields: FieldDrift[];
}

/** The result of {@link compareFleet}. */
export interface DriftReport {
  /** The sources compared (the site always). */
  sources: DriftSource[];
  drift: boolean;
  /** Entities looked at (the union of every source's entities in scope). */
  compared: number;
  entities: EntityDrift[];
  /** Entities by pair of sources that disagree. */
  summary: { registry_vs_site: number; centre_vs_site: number };
}

const KIND_ORDER: FleetEntityKind[] = ['tenant', 'application', 'device_profile', 'gateway', 'device'];

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Entity key as views use it. */
export function viewKey(kind: FleetEntityKind, key: string): string {
  return `${kind}:${key}`;
}

/**
 * Compares the site's actual fleet with the registry (desired) and the centre (mirror), entity by
 * entity and field by field; the site is the reference, so each difference names which of the
 * other two disagree with it. Pure: the same views give the same report.
 */
export function compareFleet(input: CompareInput): DriftReport {
  const sources: DriftSource[] = [
    ...(input.registry ? (['registry'] as const) : []),
    'site',
    ...(input.centre ? (['centre'] as const) : []),
  ];
  const keys = new Set<string>([...input.site.keys(), ...(input.centre?.keys() ?? [])]);
  if (input.registry) for (const k of input.registry.entities.keys()) keys.add(k);
  const entities: EntityDrift[] = [];
  for (const k of keys) {
    const site = input.site.get(k);
    const centre = input.centre?.get(k);
    const registry = input.registry?.entities.get(k);
    const any = (site ?? centre ?? registry)!;
    // The registry speaks for its own tenant only; a hand-made tenant elsewhere is not its business.
    const inRegistryScope =
      input.registry !== undefined && (registry !== undefined || any.tenant === input.registry.tenant);
    const present: Partial<Record<DriftSource, boolean>> = { site: site !== undefined };
    if (inRegistryScope) present.registry = registry !== undefined;
    if (input.centre) present.centre = centre !== undefined;
    const disagree = new Set<DriftSource>();
    if (present.registry !== undefined && present.registry !== present.site) disagree.add('registry');
    if (present.centre !== undefined && present.centre !== present.site) disagree.add('centre');
    const fields: FieldDrift[] = [];
    if (site) {
      const names = new Set([...Object.keys(site.fields), ...Object.keys(centre?.fields ?? {})]);
      for (const n of Object.keys(registry?.fields ?? {})) names.add(n);
      for (const field of [...names].sort()) {
        const f: FieldDrift = { field, disagree: [] };
        const siteValue = site.fields[field];
        if (siteValue !== undefined) f.site = siteValue;
        // The registry compares only what it declares.
        if (registry && field in registry.fields) {
          f.registry = registry.fields[field];
          if (!same(registry.fields[field], siteValue)) f.disagree.push('registry');
        }
        if (centre) {
          if (centre.fields[field] !== undefined) f.centre = centre.fields[field];
          if (!same(centre.fields[field], siteValue)) f.disagree.push('centre');
        }
        if (f.disagree.length) {
          fields.push(f);
          for (const s of f.disagree) disagree.add(s);
        }
      }
    }
    if (disagree.size === 0) continue;
    entities.push({
      kind: any.kind,
      key: any.key,
      present,
      disagree: sources.filter((s) => disagree.has(s)),
      fields,
    });
  }
  entities.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return {
    sources,
    drift: entities.length > 0,
    compared: keys.size,
    entities,
    summary: {
      registry_vs_site: entities.filter((e) => e.disagree.includes('registry')).length,
      centre_vs_site: entities.filter((e) => e.disagree.includes('centre')).length,
    },
  };
}
