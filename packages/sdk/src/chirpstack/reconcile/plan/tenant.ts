import type { TenantSpec } from '@fieldops/contracts/chirpstack/v1';
import { isNotVisibleError } from '../../errors.js';
import { collect } from '../../resources/paging.js';
import type { Tenant, TenantListItem } from '../../types.js';
import type { PlanOptions, PlanState, PlanStep } from '../steps.js';
import { change, createDiff, diffValue, duplicateProblem, pickOldest } from './diff.js';

/** The tenant spec with the defaults the reconciler writes. */
function withDefaults(spec: TenantSpec): TenantSpec {
  return { can_have_gateways: true, max_device_count: 0, max_gateway_count: 0, description: '', ...spec };
}

/** Finds the tenant by name (ListTenants: admin API keys only). */
async function findByName(name: string, s: PlanState): Promise<TenantListItem | undefined> {
  let list: TenantListItem[];
  try {
    list = await collect(s.client.listTenants({ search: name, pageSize: 100 }));
  } catch (error) {
    if (isNotVisibleError(error))
      throw new TypeError(
        'chirpstack: listing tenants needs an admin API key; with a tenant API key pass the tenant id (tenantId, --tenant-id)',
      );
    throw error;
  }
  s.reads += Math.max(1, Math.ceil(list.length / 100));
  const hits = list.filter((t) => t.name === name);
  const chosen = pickOldest(hits);
  if (hits.length > 1 && chosen)
    s.problems.push({
      key: name,
      message: duplicateProblem(
        'tenant',
        name,
        hits.map((t) => t.id),
        chosen.id,
      ),
    });
  return chosen;
}

/** Reads the tenant by id (a tenant API key may read its own tenant). */
async function readById(id: string, name: string, s: PlanState): Promise<Tenant> {
  let tenant: Tenant;
  try {
    tenant = await s.client.getTenant(id);
  } catch (error) {
    if (isNotVisibleError(error))
      throw new TypeError(`chirpstack: tenant ${id} does not exist or the API key belongs to another tenant`);
    throw error;
  }
  s.reads += 1;
  if (tenant.name !== name)
    throw new TypeError(
      `chirpstack: tenant ${id} is named ${JSON.stringify(tenant.name)}, the spec says ${JSON.stringify(name)}`,
    );
  return tenant;
}

/** Plans the tenant (matched by name, or read by `options.tenantId`); sets `context.tenantId` when it exists. */
export async function planTenant(spec: TenantSpec, s: PlanState, options: PlanOptions): Promise<PlanStep> {
  const want = withDefaults(spec);
  const id = options.tenantId ?? (await findByName(spec.name, s))?.id;
  if (!id)
    return {
      kind: 'tenant',
      action: 'create',
      spec: want,
      change: change('tenant', want.name, 'create', createDiff(want)),
    };
  s.context.tenantId = id;
  const current = options.tenantId ? await readById(id, spec.name, s) : await s.client.getTenant(id);
  if (!options.tenantId) s.reads += 1;
  const diff = [
    ...diffValue('description', current.description, want.description),
    ...diffValue('can_have_gateways', current.can_have_gateways, want.can_have_gateways),
    ...diffValue('max_device_count', current.max_device_count, want.max_device_count),
    ...diffValue('max_gateway_count', current.max_gateway_count, want.max_gateway_count),
  ];
  const action = diff.length ? 'update' : 'unchanged';
  return { kind: 'tenant', action, spec: want, change: change('tenant', want.name, action, diff, id) };
}
