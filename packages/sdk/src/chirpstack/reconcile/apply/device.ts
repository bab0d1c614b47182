import { ChirpStackNotFoundError, isDuplicateKeyError, isNotVisibleError } from '../../errors.js';
import type { DeviceInput } from '../../resources/devices.js';
import { type ResolvedKeys, resolveKeys } from '../secrets.js';
import type { PlanStep } from '../steps.js';
import { DEVICE_ID_TAG, encodeSyncTag, keysFingerprint, SYNC_TAG, variablesHash } from '../sync-tag.js';
import { type ApplyContext, writeBackBase } from './context.js';
import { type KeysMode, writeKeys } from './keys.js';

type DeviceStep = Extract<PlanStep, { kind: 'device' }>;

/** The device as written: every column ChirpStack's Update sets, with the sync tag. */
function deviceInput(
  s: DeviceStep,
  ids: { application: string; profile: string },
  keys?: ResolvedKeys,
): DeviceInput {
  const spec = s.spec!;
  return {
    dev_eui: spec.dev_eui,
    name: spec.name,
    description: spec.description ?? '',
    application_id: ids.application,
    device_profile_id: ids.profile,
    join_eui: spec.join_eui ?? '',
    is_disabled: spec.is_disabled ?? false,
    skip_fcnt_check: spec.skip_fcnt_check ?? false,
    variables: spec.variables ?? {},
    tags: {
      ...(spec.tags ?? {}),
      ...(spec.device_id ? { [DEVICE_ID_TAG]: spec.device_id } : {}),
      [SYNC_TAG]: encodeSyncTag({
        join_eui: spec.join_eui ?? '',
        is_disabled: spec.is_disabled ?? false,
        skip_fcnt_check: spec.skip_fcnt_check ?? false,
        variables: variablesHash(spec.variables),
        keys: keys ? keysFingerprint(spec.dev_eui, keys) : '',
      }),
    },
  };
}

/**
 * A device that exists although the plan did not see it (a duplicate key on Create): adopt it when
 * it is in this tenant; one in another tenant is never moved.
 */
async function checkAdoptable(ctx: ApplyContext, eui: string): Promise<void> {
  let applicationId: string;
  try {
    applicationId = (await ctx.client.getDevice(eui)).application_id;
  } catch (error) {
    if (!isNotVisibleError(error)) throw error;
    throw new Error(
      `chirpstack: device ${eui} exists in a tenant this API key cannot see; delete it there first`,
    );
  }
  if (Object.values(ctx.ids.apps).includes(applicationId)) return;
  const owner = (await ctx.client.getApplication(applicationId)).tenant_id;
  if (owner !== ctx.ids.tenant)
    throw new Error(
      `chirpstack: device ${eui} exists in tenant ${owner}; fieldops does not move devices between tenants`,
    );
}

/** Create: the device first (keys need it), adopting one that exists; then its keys. */
async function createDevice(ctx: ApplyContext, device: DeviceInput, keys: (mode: KeysMode) => Promise<void>) {
  try {
    await ctx.client.createDevice(device);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await checkAdoptable(ctx, device.dev_eui);
    await ctx.client.updateDevice(device);
    await keys('adopt');
    return;
  }
  await keys('create');
}

/** Update: keys before the tag that records their fingerprint (a crash in between is seen by the next plan). */
async function updateDevice(
  ctx: ApplyContext,
  s: DeviceStep,
  device: DeviceInput,
  keys: (mode: KeysMode) => Promise<void>,
) {
  if (s.keys !== 'none') await keys(s.keys);
  try {
    await ctx.client.updateDevice(device);
  } catch (error) {
    if (!(error instanceof ChirpStackNotFoundError)) throw error;
    await ctx.client.createDevice(device);
    await keys('create');
  }
}

/** Applies a device step (create, update, or keys only), then its registry write-back. */
export async function applyDevice(ctx: ApplyContext, s: DeviceStep): Promise<void> {
  const spec = s.spec!;
  const application = ctx.ids.apps[spec.application];
  const profile = ctx.ids.profiles[spec.device_profile];
  if (!application || !profile) {
    ctx.skip(s, `application ${spec.application} or device profile ${spec.device_profile} is missing`);
    return;
  }
  const resolved = spec.keys ? await resolveKeys(spec.keys, ctx.resolve) : undefined;
  const device = deviceInput(s, { application, profile }, resolved);
  const keys = async (mode: KeysMode) => {
    if (resolved) await writeKeys(ctx, { dev_eui: spec.dev_eui, ...resolved }, mode);
  };
  const multiStep = s.keys !== 'none';
  if (multiStep) await ctx.options.journal?.begin(spec.dev_eui);
  if (s.action === 'create') await createDevice(ctx, device, keys);
  else if (s.action === 'update') await updateDevice(ctx, s, device, keys);
  else if (s.keys !== 'none') await keys(s.keys);
  if (s.action === 'unchanged' && s.keys === 'none') ctx.result.unchanged += 1;
  else ctx.result.applied += 1;
  if (multiStep) await ctx.options.journal?.end(spec.dev_eui);
  if (s.writeBack) await writeBackDevice(ctx, s, application);
}

async function writeBackDevice(ctx: ApplyContext, s: DeviceStep, applicationId: string): Promise<void> {
  const registry = ctx.options.registry;
  const spec = s.spec!;
  if (!s.registry || !registry) return;
  try {
    await registry.patchObservedState(s.registry.device_id, {
      ...writeBackBase(s.registry),
      data: {
        ...s.registry.observed?.data,
        chirpstack: {
          provisioned: true,
          dev_eui: spec.dev_eui,
          application: spec.application,
          device_profile: spec.device_profile,
          synced_at: ctx.now().toISOString(),
        },
      },
      source: 'chirpstack',
      observed_at: ctx.now().toISOString(),
      external_refs: {
        chirpstack: {
          dev_eui: spec.dev_eui,
          device_id: spec.dev_eui,
          application_id: applicationId,
          tenant_id: ctx.ids.tenant!,
        },
      },
    });
    ctx.result.written_back += 1;
  } catch (error) {
    ctx.fail(s, error, 'registry');
  }
}
