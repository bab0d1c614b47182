import type {
  ApplicationSpec,
  DeviceProfileSpec,
  DeviceSpec,
  FieldDiff,
  GatewaySpec,
  Plan,
  PlanChange,
  TenantSpec,
} from '@fieldops/contracts/chirpstack/v1';
import type { ChirpStackClient } from '../chirpstack-client.js';
import { collect } from '../resources/paging.js';
import type { DeviceListItem } from '../types.js';
import {
  collectDevices,
  collectGateways,
  type DesiredProblem,
  type DesiredState,
  type RegistryLink,
} from './desired.js';
import type { ApplyJournal } from './journal.js';
import { runPool } from './pool.js';
import { cachedResolver, type ResolveSecret, resolveKeys } from './secrets.js';
import {
  DEVICE_ID_TAG,
  decodeSyncTag,
  keysFingerprint,
  SYNC_TAG,
  type SyncState,
  variablesHash,
} from './sync-tag.js';

/** The part of the client the planner reads with. */
export type PlanReader = Pick<
  ChirpStackClient,
  | 'target'
  | 'listTenants'
  | 'getTenant'
  | 'listApplications'
  | 'listDeviceProfiles'
  | 'getDeviceProfile'
  | 'listDevices'
  | 'listGateways'
  | 'getGateway'
>;

/** Options of {@link planReconcile}. */
export interface PlanOptions {
  /** Delete what exists in ChirpStack and is not declared (devices in declared applications, gateways, applications, device profiles). */
  prune?: boolean;
  /** Resolves key SecretRefs (required when a declared device has keys); values are only fingerprinted. */
  resolveSecret?: ResolveSecret;
  /** Devices an interrupted apply left half-done get their keys rewritten. */
  journal?: ApplyJournal;
  /** Page size of the device List (default 1000). */
  pageSize?: number;
  now?: () => Date;
}

/** One unit of work for apply: one entity, or a device with its keys. Internal to the reconciler. */
export type PlanStep =
  | { kind: 'tenant'; action: 'create' | 'update' | 'unchanged'; spec: TenantSpec; change: PlanChange }
  | { kind: 'application'; action: Action; spec?: ApplicationSpec; id?: string; change: PlanChange }
  | { kind: 'device_profile'; action: Action; spec?: DeviceProfileSpec; id?: string; change: PlanChange }
  | {
      kind: 'gateway';
      action: Action;
      spec?: GatewaySpec;
      id: string;
      registry?: RegistryLink;
      writeBack?: boolean;
      change: PlanChange;
    }
  | {
      kind: 'device';
      action: Action;
      dev_eui: string;
      spec?: DeviceSpec;
      keys: 'create' | 'update' | 'none';
      registry?: RegistryLink;
      writeBack: boolean;
      change: PlanChange;
      keysChange?: PlanChange;
    };

type Action = 'create' | 'update' | 'delete' | 'unchanged';
type JsonValue = Exclude<FieldDiff['to'], undefined>;

/** A plan with what apply needs: the JSON plan (the contract), the steps, the ids known so far. */
export interface ReconcilePlan {
  /** The plan as the `chirpstack.v1.Plan` contract: this is what is printed and stored. */
  readonly plan: Plan;
  readonly steps: PlanStep[];
  readonly context: {
    tenantId?: string;
    applicationIds: Record<string, string>;
    deviceProfileIds: Record<string, string>;
  };
  /** Declared entities that could not be planned (bad registry records, duplicate DevEUIs). */
  readonly problems: DesiredProblem[];
  /** RPCs the plan made, by operation (for the benchmark and curious operators). */
  readonly reads: number;
  toJSON(): Plan;
}

const USER_TAG = (k: string) => k !== SYNC_TAG;

/** JSON with object keys sorted, so `{a,b}` equals `{b,a}`. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function diffValue(field: string, from: unknown, to: unknown): FieldDiff[] {
  if (stable(from) === stable(to)) return [];
  return [
    {
      field,
      ...(from !== undefined ? { from: from as JsonValue } : {}),
      ...(to !== undefined ? { to: to as JsonValue } : {}),
    },
  ];
}

function createDiff(obj: Record<string, unknown>, secretFields: string[] = []): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out.push({ field: k, to: v as JsonValue });
  for (const f of secretFields) out.push({ field: f, secret: true });
  return out;
}

function change(
  entity: PlanChange['entity'],
  key: string,
  action: Action,
  diff: FieldDiff[],
  id?: string,
): PlanChange {
  return { entity, key, action, ...(id ? { id } : {}), diff };
}

function desiredTags(spec: DeviceSpec): Record<string, string> {
  return { ...(spec.tags ?? {}), ...(spec.device_id ? { [DEVICE_ID_TAG]: spec.device_id } : {}) };
}

function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags)
      .filter(([k]) => USER_TAG(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * Plans the changes that make ChirpStack match `desired`: one paginated List per declared
 * application for the devices (no per-device Get: fields a List lacks are compared through the
 * `fieldops_sync` tag), a Get per device profile and gateway (a handful), and nothing else.
 */
export async function planReconcile(
  desired: DesiredState,
  client: PlanReader,
  options: PlanOptions = {},
): Promise<ReconcilePlan> {
  const now = options.now ?? (() => new Date());
  const prune = options.prune === true;
  const { devices, problems, registry } = collectDevices(desired);
  const declared = collectGateways(desired);
  problems.push(...declared.problems);
  const resolve = options.resolveSecret ? cachedResolver(options.resolveSecret) : undefined;
  const withKeys = devices.filter((d) => d.keys);
  if (withKeys.length > 0 && !resolve)
    throw new TypeError(
      `chirpstack: ${withKeys.length} declared devices have keys: pass resolveSecret so the plan can compare them`,
    );
  const pending = options.journal ? await options.journal.pending() : new Set<string>();
  const steps: PlanStep[] = [];
  let reads = 0;
  const context: ReconcilePlan['context'] = { applicationIds: {}, deviceProfileIds: {} };

  // ---- tenant (matched by name) ----
  const tenantList = await collect(client.listTenants({ search: desired.tenant.name, pageSize: 100 }));
  reads += Math.max(1, Math.ceil(tenantList.length / 100));
  const tenantHits = tenantList.filter((t) => t.name === desired.tenant.name);
  if (tenantHits.length > 1)
    throw new Error(
      `chirpstack: ${tenantHits.length} tenants are named ${desired.tenant.name}; rename all but one`,
    );
  const tenant = tenantHits[0];
  const tenantSpec: TenantSpec = {
    can_have_gateways: true,
    max_device_count: 0,
    max_gateway_count: 0,
    description: '',
    ...desired.tenant,
  };
  if (!tenant) {
    const c = change('tenant', tenantSpec.name, 'create', createDiff(tenantSpec));
    steps.push({ kind: 'tenant', action: 'create', spec: tenantSpec, change: c });
  } else {
    context.tenantId = tenant.id;
    const current = await client.getTenant(tenant.id);
    reads += 1;
    const diff = [
      ...diffValue('description', current.description, tenantSpec.description ?? ''),
      ...diffValue('can_have_gateways', current.can_have_gateways, tenantSpec.can_have_gateways ?? true),
      ...diffValue('max_device_count', current.max_device_count, tenantSpec.max_device_count ?? 0),
      ...diffValue('max_gateway_count', current.max_gateway_count, tenantSpec.max_gateway_count ?? 0),
    ];
    const c = change('tenant', tenantSpec.name, diff.length ? 'update' : 'unchanged', diff, tenant.id);
    steps.push({ kind: 'tenant', action: diff.length ? 'update' : 'unchanged', spec: tenantSpec, change: c });
  }
  const tenantId = context.tenantId;

  // ---- applications (matched by name) ----
  const apps = tenantId ? await collect(client.listApplications(tenantId, { pageSize: 1000 })) : [];
  reads += tenantId ? Math.max(1, Math.ceil(apps.length / 1000)) : 0;
  const appByName = new Map(apps.map((a) => [a.name, a]));
  for (const spec of desired.applications) {
    const hit = appByName.get(spec.name);
    if (!hit) {
      steps.push({
        kind: 'application',
        action: 'create',
        spec,
        change: change('application', spec.name, 'create', createDiff(spec)),
      });
      continue;
    }
    context.applicationIds[spec.name] = hit.id;
    const diff = diffValue('description', hit.description, spec.description ?? '');
    const action = diff.length ? 'update' : 'unchanged';
    steps.push({
      kind: 'application',
      action,
      spec,
      id: hit.id,
      change: change('application', spec.name, action, diff, hit.id),
    });
  }
  const declaredApps = new Set(desired.applications.map((a) => a.name));
  if (prune)
    for (const a of apps)
      if (!declaredApps.has(a.name))
        steps.push({
          kind: 'application',
          action: 'delete',
          id: a.id,
          change: change('application', a.name, 'delete', [], a.id),
        });

  // ---- device profiles (matched by name; a Get each: the List lacks most fields) ----
  const profiles = tenantId ? await collect(client.listDeviceProfiles(tenantId, { pageSize: 1000 })) : [];
  reads += tenantId ? Math.max(1, Math.ceil(profiles.length / 1000)) : 0;
  const profileByName = new Map(profiles.map((p) => [p.name, p]));
  for (const spec of desired.device_profiles) {
    const hit = profileByName.get(spec.name);
    const want = {
      region: spec.region,
      mac_version: spec.mac_version,
      reg_params_revision: spec.reg_params_revision,
      supports_otaa: spec.supports_otaa,
      uplink_interval_s: spec.uplink_interval_s,
      adr_algorithm_id: spec.adr_algorithm_id ?? 'default',
      payload_codec: spec.payload_codec ?? 'none',
      payload_codec_script: spec.payload_codec_script ?? '',
      tags: spec.tags ?? {},
    };
    if (!hit) {
      steps.push({
        kind: 'device_profile',
        action: 'create',
        spec,
        change: change('device_profile', spec.name, 'create', createDiff(want)),
      });
      continue;
    }
    context.deviceProfileIds[spec.name] = hit.id;
    const cur = await client.getDeviceProfile(hit.id);
    reads += 1;
    const diff: FieldDiff[] = [];
    for (const [k, v] of Object.entries(want))
      diff.push(...diffValue(k, (cur as unknown as Record<string, unknown>)[k], v));
    const action = diff.length ? 'update' : 'unchanged';
    steps.push({
      kind: 'device_profile',
      action,
      spec,
      id: hit.id,
      change: change('device_profile', spec.name, action, diff, hit.id),
    });
  }
  const declaredProfiles = new Set(desired.device_profiles.map((p) => p.name));
  if (prune)
    for (const p of profiles)
      if (!declaredProfiles.has(p.name))
        steps.push({
          kind: 'device_profile',
          action: 'delete',
          id: p.id,
          change: change('device_profile', p.name, 'delete', [], p.id),
        });

  // ---- gateways (keyed by EUI; a Get each for the fields the List lacks) ----
  const gateways = tenantId ? await collect(client.listGateways(tenantId, { pageSize: 1000 })) : [];
  reads += tenantId ? Math.max(1, Math.ceil(gateways.length / 1000)) : 0;
  const gatewayById = new Map(gateways.map((g) => [g.gateway_id, g]));
  const gatewaySteps: PlanStep[] = [];
  await runPool(declared.gateways, 16, async (spec) => {
    const want = {
      name: spec.name,
      description: spec.description ?? '',
      stats_interval_s: spec.stats_interval_s ?? 30,
      location: spec.location ? { altitude: 0, ...spec.location } : null,
      tags: spec.tags ?? {},
    };
    const link = declared.registry.get(spec.gateway_eui);
    const hit = gatewayById.get(spec.gateway_eui);
    if (!hit) {
      gatewaySteps.push({
        kind: 'gateway',
        action: 'create',
        spec,
        id: spec.gateway_eui,
        ...(link ? { registry: link, writeBack: true } : {}),
        change: change('gateway', spec.gateway_eui, 'create', createDiff(want)),
      });
      return;
    }
    const cur = await client.getGateway(hit.gateway_id);
    reads += 1;
    const diff = [
      ...diffValue('name', cur.name, want.name),
      ...diffValue('description', cur.description, want.description),
      ...diffValue('stats_interval_s', cur.stats_interval_s, want.stats_interval_s),
      ...diffValue('location', cur.location, want.location),
      ...diffValue('tags', cur.tags, want.tags),
    ];
    const action = diff.length ? 'update' : 'unchanged';
    const writeBack =
      link !== undefined &&
      (action !== 'unchanged' ||
        link.refs?.device_id?.replace(/[:-]/g, '').toLowerCase() !== spec.gateway_eui ||
        link.refs?.tenant_id !== tenantId);
    gatewaySteps.push({
      kind: 'gateway',
      action,
      spec,
      id: hit.gateway_id,
      ...(link ? { registry: link, writeBack } : {}),
      change: change('gateway', spec.gateway_eui, action, diff, hit.gateway_id),
    });
  });
  // Gets ran concurrently: keep the declared order in the plan.
  const order = new Map(declared.gateways.map((g, i) => [g.gateway_eui, i]));
  gatewaySteps.sort((a, b) => (order.get(a.change.key) ?? 0) - (order.get(b.change.key) ?? 0));
  steps.push(...gatewaySteps);
  const declaredGateways = new Set(declared.gateways.map((g) => g.gateway_eui));
  if (prune)
    for (const g of gateways)
      if (!declaredGateways.has(g.gateway_id))
        steps.push({
          kind: 'gateway',
          action: 'delete',
          id: g.gateway_id,
          change: change('gateway', g.gateway_id, 'delete', [], g.gateway_id),
        });

  // ---- devices: one paginated List per existing declared application ----
  const existing = new Map<string, { item: DeviceListItem; application: string; applicationId: string }>();
  const pageSize = options.pageSize ?? 1000;
  for (const app of desired.applications) {
    const appId = context.applicationIds[app.name];
    if (!appId) continue;
    let count = 0;
    for await (const item of client.listDevices(appId, { pageSize })) {
      existing.set(item.dev_eui, { item, application: app.name, applicationId: appId });
      count += 1;
    }
    reads += Math.max(1, Math.ceil(count / pageSize));
  }

  // Key fingerprints need the key values (a rotated secret behind the same ref is a change):
  // resolve them with bounded concurrency, exactly as apply will.
  const fingerprints = new Map<string, string>();
  await runPool(withKeys, 32, async (spec) => {
    if (!spec.keys || !resolve) return;
    fingerprints.set(spec.dev_eui, keysFingerprint(spec.dev_eui, await resolveKeys(spec.keys, resolve)));
  });

  for (const spec of devices) {
    const found = existing.get(spec.dev_eui);
    existing.delete(spec.dev_eui);
    const link = registry.get(spec.dev_eui);
    const tags = desiredTags(spec);
    const sync: SyncState = {
      join_eui: spec.join_eui ?? '',
      is_disabled: spec.is_disabled ?? false,
      skip_fcnt_check: spec.skip_fcnt_check ?? false,
      variables: variablesHash(spec.variables),
      keys: fingerprints.get(spec.dev_eui) ?? '',
    };
    const keyFields = spec.keys
      ? [
          'nwk_key',
          ...(spec.keys.app_key_ref ? ['app_key'] : []),
          ...(spec.keys.gen_app_key_ref ? ['gen_app_key'] : []),
        ]
      : [];
    const keysDiff: FieldDiff[] = keyFields.map((f) => ({ field: f, secret: true }));
    if (!found) {
      const c = change(
        'device',
        spec.dev_eui,
        'create',
        createDiff({
          name: spec.name,
          description: spec.description,
          application: spec.application,
          device_profile: spec.device_profile,
          join_eui: spec.join_eui,
          is_disabled: spec.is_disabled,
          skip_fcnt_check: spec.skip_fcnt_check,
          tags: Object.keys(tags).length ? tags : undefined,
          variables: spec.variables,
        }),
      );
      const kc = spec.keys ? change('device_keys', spec.dev_eui, 'create', keysDiff) : undefined;
      steps.push({
        kind: 'device',
        action: 'create',
        dev_eui: spec.dev_eui,
        spec,
        keys: spec.keys ? 'create' : 'none',
        ...(link ? { registry: link } : {}),
        writeBack: link !== undefined,
        change: c,
        ...(kc ? { keysChange: kc } : {}),
      });
      continue;
    }
    const current = decodeSyncTag(found.item.tags[SYNC_TAG]);
    const diff: FieldDiff[] = [
      ...diffValue('name', found.item.name, spec.name),
      ...diffValue('description', found.item.description, spec.description ?? ''),
      ...diffValue('application', found.application, spec.application),
      ...(found.item.device_profile_id === context.deviceProfileIds[spec.device_profile]
        ? []
        : [{ field: 'device_profile', from: found.item.device_profile_name, to: spec.device_profile }]),
      ...diffValue('tags', userTags(found.item.tags), userTags(tags)),
      ...diffValue('join_eui', current ? current.join_eui || undefined : undefined, spec.join_eui),
      ...diffValue('is_disabled', current?.is_disabled ?? false, sync.is_disabled),
      ...diffValue('skip_fcnt_check', current?.skip_fcnt_check ?? false, sync.skip_fcnt_check),
    ];
    if (!current || current.variables !== sync.variables)
      diff.push({ field: 'variables', ...(spec.variables ? { to: spec.variables } : {}) });
    const keysStale = sync.keys !== '' && (current?.keys !== sync.keys || pending.has(spec.dev_eui));
    const keysAction = !spec.keys ? 'none' : !keysStale ? 'unchanged' : current?.keys ? 'update' : 'create';
    if (keysAction === 'create' || keysAction === 'update') diff.push({ field: 'keys', secret: true });
    const action: Action = diff.length ? 'update' : 'unchanged';
    const refs = link?.refs;
    const writeBack =
      link !== undefined &&
      (action !== 'unchanged' ||
        refs?.dev_eui !== spec.dev_eui ||
        refs?.application_id !== context.applicationIds[spec.application] ||
        refs?.tenant_id !== tenantId);
    const c = change(
      'device',
      spec.dev_eui,
      action,
      diff.filter((d) => d.field !== 'keys'),
      spec.dev_eui,
    );
    const kc = spec.keys
      ? change(
          'device_keys',
          spec.dev_eui,
          keysAction === 'none' ? 'unchanged' : keysAction,
          keysAction === 'unchanged' ? [] : keysDiff,
        )
      : undefined;
    if (c.diff.length === 0 && keysAction !== 'unchanged' && keysAction !== 'none') c.action = 'update';
    if (c.diff.length === 0 && c.action === 'update')
      c.diff.push({ field: SYNC_TAG, to: 'keys fingerprint' });
    steps.push({
      kind: 'device',
      action,
      dev_eui: spec.dev_eui,
      spec,
      keys: keysAction === 'unchanged' ? 'none' : keysAction,
      ...(link ? { registry: link } : {}),
      writeBack,
      change: c,
      ...(kc ? { keysChange: kc } : {}),
    });
  }
  if (prune)
    for (const [eui, found] of existing)
      steps.push({
        kind: 'device',
        action: 'delete',
        dev_eui: eui,
        keys: 'none',
        writeBack: false,
        change: change('device', eui, 'delete', [{ field: 'application', from: found.application }], eui),
      });

  const changes: PlanChange[] = [];
  for (const s of steps) {
    changes.push(s.change);
    if (s.kind === 'device' && s.keysChange) changes.push(s.keysChange);
  }
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const c of changes) summary[c.action] += 1;
  const plan: Plan = {
    plan_version: 1,
    created_at: now().toISOString(),
    target: client.target,
    tenant: desired.tenant.name,
    prune,
    changes,
    summary,
  };
  return { plan, steps, context, problems, reads, toJSON: () => plan };
}

/** The number of changes (create + update + delete) of a plan. */
export function changeCount(plan: Plan | ReconcilePlan): number {
  const p = 'plan' in plan ? plan.plan : plan;
  return p.summary.create + p.summary.update + p.summary.delete;
}
