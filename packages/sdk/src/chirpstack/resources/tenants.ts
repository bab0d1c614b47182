import type { TenantSpec } from '@fieldops/contracts/chirpstack/v1';
import type { RpcCaller } from '../client.js';
import { fillMap, mapToRecord, toDate } from '../convert.js';
import { tenantPb } from '../proto.js';
import type { ListOptions, Page, Tenant, TenantListItem } from '../types.js';
import { paginate } from './paging.js';

type TenantMsg = InstanceType<typeof tenantPb.Tenant>;

function toPb(spec: TenantSpec & { tags?: Record<string, string> }, id = ''): TenantMsg {
  const t = new tenantPb.Tenant();
  t.setId(id);
  t.setName(spec.name);
  t.setDescription(spec.description ?? '');
  t.setCanHaveGateways(spec.can_have_gateways ?? true);
  t.setMaxDeviceCount(spec.max_device_count ?? 0);
  t.setMaxGatewayCount(spec.max_gateway_count ?? 0);
  fillMap(t.getTagsMap(), spec.tags);
  return t;
}

function fromPb(t: TenantMsg): Tenant {
  return {
    id: t.getId(),
    name: t.getName(),
    description: t.getDescription(),
    can_have_gateways: t.getCanHaveGateways(),
    max_device_count: t.getMaxDeviceCount(),
    max_gateway_count: t.getMaxGatewayCount(),
    tags: mapToRecord(t.getTagsMap()),
  };
}

/** Tenant CRUD. */
export function tenantMethods(rpc: RpcCaller) {
  async function listTenantsPage(options: {
    limit: number;
    offset?: number;
    search?: string;
  }): Promise<Page<TenantListItem>> {
    const req = new tenantPb.ListTenantsRequest();
    req.setLimit(options.limit);
    req.setOffset(options.offset ?? 0);
    req.setSearch(options.search ?? '');
    const res = await rpc.call<InstanceType<typeof tenantPb.ListTenantsResponse>>(
      'TenantService',
      'list',
      req,
    );
    return {
      total_count: res.getTotalCount(),
      items: res.getResultList().map((t) => ({
        id: t.getId(),
        name: t.getName(),
        can_have_gateways: t.getCanHaveGateways(),
        max_device_count: t.getMaxDeviceCount(),
        max_gateway_count: t.getMaxGatewayCount(),
        created_at: toDate(t.getCreatedAt()),
        updated_at: toDate(t.getUpdatedAt()),
      })),
    };
  }
  return {
    /** Creates a tenant; returns its id. */
    async createTenant(spec: TenantSpec & { tags?: Record<string, string> }): Promise<string> {
      const req = new tenantPb.CreateTenantRequest();
      req.setTenant(toPb(spec));
      const res = await rpc.call<InstanceType<typeof tenantPb.CreateTenantResponse>>(
        'TenantService',
        'create',
        req,
        // Never retried: a lost reply after the commit would make a second tenant with this name.
        { mutating: true, idempotent: false, subject: spec.name },
      );
      return res.getId();
    },
    /** Reads a tenant. */
    async getTenant(id: string): Promise<Tenant> {
      const req = new tenantPb.GetTenantRequest();
      req.setId(id);
      const res = await rpc.call<InstanceType<typeof tenantPb.GetTenantResponse>>(
        'TenantService',
        'get',
        req,
        {
          subject: id,
        },
      );
      return fromPb(res.getTenant() ?? new tenantPb.Tenant());
    },
    /**
     * Updates a tenant by read-modify-write: ChirpStack's Update writes every column from the
     * request (api/tenant.rs:149-161 at v4.19.0), so the current tenant is read and only the fields
     * given here change; private gateway flags, DevAddr prefixes and tags not given are kept.
     * Needs an admin API key.
     */
    async updateTenant(
      id: string,
      patch: Partial<TenantSpec> & { tags?: Record<string, string> },
    ): Promise<void> {
      const get = new tenantPb.GetTenantRequest();
      get.setId(id);
      const current = await rpc.call<InstanceType<typeof tenantPb.GetTenantResponse>>(
        'TenantService',
        'get',
        get,
        {
          subject: id,
        },
      );
      const t = current.getTenant() ?? new tenantPb.Tenant();
      t.setId(id);
      if (patch.name !== undefined) t.setName(patch.name);
      if (patch.description !== undefined) t.setDescription(patch.description);
      if (patch.can_have_gateways !== undefined) t.setCanHaveGateways(patch.can_have_gateways);
      if (patch.max_device_count !== undefined) t.setMaxDeviceCount(patch.max_device_count);
      if (patch.max_gateway_count !== undefined) t.setMaxGatewayCount(patch.max_gateway_count);
      if (patch.tags !== undefined) {
        t.getTagsMap().clear();
        fillMap(t.getTagsMap(), patch.tags);
      }
      const req = new tenantPb.UpdateTenantRequest();
      req.setTenant(t);
      await rpc.call('TenantService', 'update', req, { mutating: true, subject: id });
    },
    /** Deletes a tenant. */
    async deleteTenant(id: string): Promise<void> {
      const req = new tenantPb.DeleteTenantRequest();
      req.setId(id);
      await rpc.call('TenantService', 'delete', req, { mutating: true, subject: id });
    },
    listTenantsPage,
    /** Every tenant, page by page, each once (needs an admin API key). */
    listTenants(options: ListOptions = {}): AsyncIterable<TenantListItem> {
      return paginate(
        (limit, offset) => listTenantsPage({ limit, offset, search: options.search }),
        options,
        (t) => t.id,
      );
    },
  };
}
