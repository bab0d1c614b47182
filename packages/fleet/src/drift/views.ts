import type { FleetEntityKind, FleetIntegration, FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { collectDevices, collectGateways, type DesiredState } from '@fieldops/sdk/chirpstack';
import type { EntityView, RegistryView, ViewEntity } from './compare.js';
import { viewKey } from './compare.js';

// Each source becomes the same shape before the comparison: entity -> flattened fields. The site and
// the centre both arrive as fleet snapshots; the registry as the reconciler's desired state. What
// ChirpStack stores as "nothing" (an empty description, a zero JoinEUI, no tags) is read as absent,
// so a field the registry leaves out and the site holds empty is no difference.

const ZERO_EUI = '0000000000000000';
/** Status, ids and the hash: never drift (they move on their own or differ by design). */
const NOT_COMPARED = new Set([
  'id',
  'hash',
  'tenant',
  'last_seen_at',
  'battery_level',
  'margin',
  'external_power_source',
  'state',
  'metadata',
]);
/** Records flattened one level, so a difference names the tag or key field. */
const FLATTENED = new Set(['tags', 'keys', 'location']);

function put(fields: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined || value === '') return;
  if (FLATTENED.has(name) && value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) fields[`${name}.${k}`] = v;
    return;
  }
  // Integrations by kind: configuration and secret fingerprints (a hand-changed token shows; the
  // references say where a secret lives, not what it is).
  if (name === 'integrations' && Array.isArray(value)) {
    for (const i of value as FleetIntegration[])
      fields[`integrations.${i.kind}`] = {
        config: i.config,
        ...(i.secrets
          ? { secrets: Object.fromEntries(Object.entries(i.secrets).map(([f, s]) => [f, s.fingerprint])) }
          : {}),
        ...(i.complete === false ? { complete: false } : {}),
      };
    return;
  }
  // Variables are replaced as a whole by the reconciler: one field, absent when empty.
  if (name === 'variables' && typeof value === 'object' && value && Object.keys(value).length === 0) return;
  fields[name] = value;
}

function entity(kind: FleetEntityKind, key: string, tenant: string | undefined, source: object): ViewEntity {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) if (!NOT_COMPARED.has(name)) put(fields, name, value);
  if (kind === 'device') {
    if (fields.join_eui === ZERO_EUI) delete fields.join_eui;
    fields.is_disabled ??= false;
    fields.skip_fcnt_check ??= false;
  }
  return { kind, key, tenant, fields };
}

/** The view of a fleet snapshot (the site's export or the centre's mirror). */
export function snapshotView(snapshot: FleetSnapshot): EntityView {
  const view: EntityView = new Map();
  const add = (e: ViewEntity) => view.set(viewKey(e.kind, e.key), e);
  for (const t of snapshot.tenants) add(entity('tenant', t.name, t.name, t));
  for (const a of snapshot.applications) add(entity('application', `${a.tenant}/${a.name}`, a.tenant, a));
  for (const p of snapshot.device_profiles)
    add(entity('device_profile', `${p.tenant}/${p.name}`, p.tenant, p));
  for (const g of snapshot.gateways) add(entity('gateway', g.gateway_eui, g.tenant, g));
  for (const d of snapshot.devices) add(entity('device', d.dev_eui, d.tenant, d));
  return view;
}

/**
 * The view of the registry's desired state: only the fields it declares (flags default to false,
 * variables to none, as the reconciler writes them). `fingerprints` (DevEUI -> fingerprint of the
 * resolved keys) adds `keys.fingerprint`, so keys changed by hand at the site show up.
 */
export function registryView(
  desired: DesiredState,
  fingerprints?: ReadonlyMap<string, string>,
): RegistryView {
  const tenant = desired.tenant.name;
  const view: EntityView = new Map();
  const add = (e: ViewEntity) => view.set(viewKey(e.kind, e.key), e);
  const { name: _t, ...tenantFields } = desired.tenant;
  add(entity('tenant', tenant, tenant, tenantFields));
  for (const { name, ...rest } of desired.applications)
    add(entity('application', `${tenant}/${name}`, tenant, rest));
  for (const { name, ...rest } of desired.device_profiles)
    add(entity('device_profile', `${tenant}/${name}`, tenant, rest));
  for (const { gateway_eui, location, ...rest } of collectGateways(desired).gateways)
    add(
      entity('gateway', gateway_eui, tenant, {
        ...rest,
        ...(location ? { location: { altitude: 0, ...location } } : {}),
      }),
    );
  for (const { dev_eui, variables, keys, ...rest } of collectDevices(desired).devices) {
    const fingerprint = fingerprints?.get(dev_eui);
    add(
      entity('device', dev_eui, tenant, {
        ...rest,
        ...(keys ? { keys: { ...keys, ...(fingerprint ? { fingerprint } : {}) } } : {}),
      }),
    );
    // Declared even when empty: a variable added by hand at the site is drift.
    const e = view.get(viewKey('device', dev_eui))!;
    if (variables && Object.keys(variables).length) e.fields.variables = variables;
    else e.fields.variables = undefined;
  }
  return { tenant, entities: view };
}
