import type { DeviceSpec, FieldDiff } from '@fieldops/contracts/chirpstack/v1';
import type { DeviceListItem } from '../../types.js';
import type { RegistryLink } from '../desired.js';
import { runPool } from '../pool.js';
import { type ResolveSecret, resolveKeys } from '../secrets.js';
import type { PlanState, PlanStep } from '../steps.js';
import {
  DEVICE_ID_TAG,
  decodeSyncTag,
  keysFingerprint,
  SYNC_TAG,
  type SyncState,
  variablesHash,
} from '../sync-tag.js';
import { change, createDiff, diffValue, userTags } from './diff.js';

/** A device found in ChirpStack, with the declared application it was listed in. */
export interface FoundDevice {
  item: DeviceListItem;
  application: string;
  applicationId: string;
}

/** What the device planner needs besides the specs. */
export interface DevicePlanInput {
  devices: DeviceSpec[];
  registry: Map<string, RegistryLink>;
  pending: Set<string>;
  fingerprints: Map<string, string>;
}

/** Lists the devices of every declared application that exists (one paginated List each, by DevEUI). */
export async function listDeclaredAppDevices(
  applications: { name: string }[],
  pageSize: number,
  s: PlanState,
  progress?: (listed: number) => void,
): Promise<Map<string, FoundDevice>> {
  const existing = new Map<string, FoundDevice>();
  for (const app of applications) {
    const appId = s.context.applicationIds[app.name];
    if (!appId) continue;
    let count = 0;
    for await (const item of s.client.listDevices(appId, { pageSize })) {
      existing.set(item.dev_eui, { item, application: app.name, applicationId: appId });
      count += 1;
      progress?.(existing.size);
    }
    s.reads += Math.max(1, Math.ceil(count / pageSize));
  }
  return existing;
}

/** Key fingerprints of the declared devices (values resolved with bounded concurrency, as apply will). */
export async function fingerprintKeys(
  devices: DeviceSpec[],
  resolve: ((ref: string) => Promise<string>) | undefined,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await runPool(
    devices.filter((d) => d.keys),
    32,
    async (spec) => {
      if (!spec.keys || !resolve) return;
      out.set(spec.dev_eui, keysFingerprint(spec.dev_eui, await resolveKeys(spec.keys, resolve)));
    },
  );
  return out;
}

/** Tags a device is written with (besides the sync tag). */
export function desiredTags(spec: DeviceSpec): Record<string, string> {
  return { ...(spec.tags ?? {}), ...(spec.device_id ? { [DEVICE_ID_TAG]: spec.device_id } : {}) };
}

function keyFields(spec: DeviceSpec): FieldDiff[] {
  if (!spec.keys) return [];
  const fields = [
    'nwk_key',
    ...(spec.keys.app_key_ref ? ['app_key'] : []),
    ...(spec.keys.gen_app_key_ref ? ['gen_app_key'] : []),
  ];
  return fields.map((f) => ({ field: f, secret: true }));
}

function planCreate(spec: DeviceSpec, link: RegistryLink | undefined): PlanStep {
  const tags = desiredTags(spec);
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
  const kc = spec.keys ? change('device_keys', spec.dev_eui, 'create', keyFields(spec)) : undefined;
  return {
    kind: 'device',
    action: 'create',
    dev_eui: spec.dev_eui,
    spec,
    keys: spec.keys ? 'create' : 'none',
    ...(link ? { registry: link } : {}),
    writeBack: link !== undefined,
    change: c,
    ...(kc ? { keysChange: kc } : {}),
  };
}

function planExisting(spec: DeviceSpec, found: FoundDevice, input: DevicePlanInput, s: PlanState): PlanStep {
  const link = input.registry.get(spec.dev_eui);
  const sync: SyncState = {
    join_eui: spec.join_eui ?? '',
    is_disabled: spec.is_disabled ?? false,
    skip_fcnt_check: spec.skip_fcnt_check ?? false,
    variables: variablesHash(spec.variables),
    keys: input.fingerprints.get(spec.dev_eui) ?? '',
  };
  const current = decodeSyncTag(found.item.tags[SYNC_TAG]);
  const diff: FieldDiff[] = [
    ...diffValue('name', found.item.name, spec.name),
    ...diffValue('description', found.item.description, spec.description ?? ''),
    ...diffValue('application', found.application, spec.application),
    ...(found.item.device_profile_id === s.context.deviceProfileIds[spec.device_profile]
      ? []
      : [{ field: 'device_profile', from: found.item.device_profile_name, to: spec.device_profile }]),
    ...diffValue('tags', userTags(found.item.tags), userTags(desiredTags(spec))),
    ...diffValue('join_eui', current ? current.join_eui || undefined : undefined, spec.join_eui),
    ...diffValue('is_disabled', current?.is_disabled ?? false, sync.is_disabled),
    ...diffValue('skip_fcnt_check', current?.skip_fcnt_check ?? false, sync.skip_fcnt_check),
  ];
  if (!current || current.variables !== sync.variables)
    diff.push({ field: 'variables', ...(spec.variables ? { to: spec.variables } : {}) });
  const keysStale = sync.keys !== '' && (current?.keys !== sync.keys || input.pending.has(spec.dev_eui));
  // No fingerprint: the device was not written by fieldops (adopted); it may hold keys already,
  // which apply finds out (GetKeys) before choosing UpdateKeys or CreateKeys.
  const keysAction = !spec.keys ? 'none' : !keysStale ? 'unchanged' : current?.keys ? 'update' : 'create';
  const action = diff.length || keysAction === 'create' || keysAction === 'update' ? 'update' : 'unchanged';
  const refs = link?.refs;
  const writeBack =
    link !== undefined &&
    (action !== 'unchanged' ||
      refs?.dev_eui !== spec.dev_eui ||
      refs?.application_id !== s.context.applicationIds[spec.application] ||
      refs?.tenant_id !== s.context.tenantId);
  const c = change('device', spec.dev_eui, action, diff, spec.dev_eui);
  if (c.diff.length === 0 && action === 'update') c.diff.push({ field: SYNC_TAG, to: 'keys fingerprint' });
  const kc = spec.keys
    ? change(
        'device_keys',
        spec.dev_eui,
        keysAction === 'none' ? 'unchanged' : keysAction,
        keysAction === 'unchanged' ? [] : keyFields(spec),
      )
    : undefined;
  return {
    kind: 'device',
    action,
    dev_eui: spec.dev_eui,
    spec,
    keys: keysAction === 'unchanged' ? 'none' : keysAction,
    ...(link ? { registry: link } : {}),
    writeBack,
    change: c,
    ...(kc ? { keysChange: kc } : {}),
  };
}

/** Plans the declared devices against those found (found entries are removed from `existing`). */
export function planDevices(
  input: DevicePlanInput,
  existing: Map<string, FoundDevice>,
  s: PlanState,
): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const spec of input.devices) {
    const found = existing.get(spec.dev_eui);
    existing.delete(spec.dev_eui);
    steps.push(
      found ? planExisting(spec, found, input, s) : planCreate(spec, input.registry.get(spec.dev_eui)),
    );
  }
  return steps;
}

/** A delete step for a device, listed once (`cause`: why, e.g. the application a cascade comes from). */
export function deviceDelete(eui: string, from: FieldDiff[], s: PlanState): PlanStep[] {
  if (s.deleting.has(eui)) return [];
  s.deleting.add(eui);
  return [
    {
      kind: 'device',
      action: 'delete',
      dev_eui: eui,
      keys: 'none',
      writeBack: false,
      change: change('device', eui, 'delete', from, eui),
    },
  ];
}

/** Prune of undeclared devices in declared applications: only those fieldops wrote (they carry the sync tag). */
export function planDevicePrune(existing: Map<string, FoundDevice>, s: PlanState): PlanStep[] {
  const steps: PlanStep[] = [];
  let foreign = 0;
  for (const [eui, found] of existing) {
    if (found.item.tags[SYNC_TAG] === undefined) {
      foreign += 1;
      continue;
    }
    steps.push(...deviceDelete(eui, [{ field: 'application', from: found.application }], s));
  }
  if (foreign > 0)
    s.problems.push({
      key: 'prune',
      message: `chirpstack: ${foreign} undeclared devices in declared applications have no fieldops tag: not pruned`,
    });
  return steps;
}

export type { ResolveSecret };
