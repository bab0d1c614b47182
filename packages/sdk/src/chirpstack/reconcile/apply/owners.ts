import { isOutcomeUnknown } from '../../errors.js';
import { DEFAULT_DEVICE_STATUS_REQ_INTERVAL } from '../../resources/device-profiles.js';
import { collect } from '../../resources/paging.js';
import { ownedTags } from '../plan/diff.js';
import type { PlanStep } from '../steps.js';
import type { ApplyContext } from './context.js';

// Appliers of the entities that get a new id on each Create (tenant, application, device profile).
// Such a create is never sent twice blindly: when its outcome is unknown (the reply was lost), the
// applier lists by name and adopts what it finds; only when nothing is there is it sent again.

/** Creates by name, adopting an entity a lost reply may have left behind. */
async function createOnce(
  create: () => Promise<string>,
  find: () => Promise<{ id: string }[]>,
): Promise<string> {
  try {
    return await create();
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    const found = await find();
    if (found.length > 0) return found[0]!.id;
    return await create();
  }
}

/** Applies the tenant step (create or update); sets `ids.tenant`. */
export async function applyTenant(
  ctx: ApplyContext,
  s: Extract<PlanStep, { kind: 'tenant' }>,
): Promise<void> {
  const { client } = ctx;
  if (s.action === 'create') {
    ctx.ids.tenant = await createOnce(
      () => client.createTenant(s.spec),
      async () =>
        (await collect(client.listTenants({ search: s.spec.name }))).filter((t) => t.name === s.spec.name),
    );
  } else {
    await client.updateTenant(ctx.ids.tenant!, s.spec);
  }
  ctx.result.applied += 1;
}

/** Applies an application create or update (the ownership tag is written on both). */
export async function applyApplication(
  ctx: ApplyContext,
  s: Extract<PlanStep, { kind: 'application' }>,
): Promise<void> {
  if (!s.spec) return;
  const spec = s.spec;
  const tenantId = ctx.ids.tenant!;
  const { client } = ctx;
  if (s.action === 'create') {
    ctx.ids.apps[spec.name] = await createOnce(
      () => client.createApplication({ ...spec, tenant_id: tenantId, tags: ownedTags(undefined) }),
      async () =>
        (await collect(client.listApplications(tenantId, { search: spec.name }))).filter(
          (a) => a.name === spec.name,
        ),
    );
  } else {
    // Read-modify-write in the client: tags set by hand are kept, the ownership tag added.
    const current = await client.getApplication(s.id!);
    await client.updateApplication(s.id!, {
      description: spec.description ?? '',
      tags: ownedTags(current.tags),
    });
  }
  ctx.result.applied += 1;
}

/** Applies a device profile create or update (update: only the managed fields change). */
export async function applyDeviceProfile(
  ctx: ApplyContext,
  s: Extract<PlanStep, { kind: 'device_profile' }>,
): Promise<void> {
  if (!s.spec) return;
  const spec = s.spec;
  const tenantId = ctx.ids.tenant!;
  const { client } = ctx;
  const input = { ...spec, tenant_id: tenantId, tags: ownedTags(spec.tags) };
  if (s.action === 'create') {
    ctx.ids.profiles[spec.name] = await createOnce(
      () => client.createDeviceProfile(input),
      async () =>
        (await collect(client.listDeviceProfiles(tenantId, { search: spec.name, tenantOnly: true }))).filter(
          (p) => p.name === spec.name,
        ),
    );
  } else {
    await client.updateDeviceProfile(s.id!, {
      ...input,
      adr_algorithm_id: spec.adr_algorithm_id ?? 'default',
      payload_codec: spec.payload_codec ?? 'none',
      payload_codec_script: spec.payload_codec_script ?? '',
      device_status_req_interval: DEFAULT_DEVICE_STATUS_REQ_INTERVAL,
    });
  }
  ctx.result.applied += 1;
}
