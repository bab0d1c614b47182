import { fillMap, mapToRecord } from '../../chirpstack/convert.js';
import { emptyPb, tenantPb } from '../../chirpstack/proto.js';
import { checkTenant, checkTenants } from './auth.js';
import { notFound, parseUuid, validation } from './errors.js';
import { type CallContext, type Req, type ServiceHandlers, ts } from './handler.js';
import { ilike, pageByName } from './list.js';
import { newUuid, type TenantRecord } from './store.js';

// TenantService of ChirpStack v4.19.0 (chirpstack/src/api/tenant.rs, storage/tenant.rs).

/** Every column Create and Update write (api/tenant.rs:54-65 and :149-161): what the request omits is reset. */
function fields(t: Req) {
  const name = t.getName() as string;
  if (!name) throw validation('name is not set'); // storage/tenant.rs:35-37
  return {
    name,
    description: t.getDescription() as string,
    can_have_gateways: t.getCanHaveGateways() as boolean,
    max_device_count: t.getMaxDeviceCount() as number,
    max_gateway_count: t.getMaxGatewayCount() as number,
    private_gateways_up: t.getPrivateGatewaysUp() as boolean,
    private_gateways_down: t.getPrivateGatewaysDown() as boolean,
    dev_addr_prefixes: t.getDevAddrPrefixesList() as string[],
    tags: mapToRecord(t.getTagsMap()),
  };
}

function get(ctx: CallContext, id: string, access: 'read' | 'write'): TenantRecord {
  checkTenant(ctx.key, access, id);
  const r = ctx.state.tenants.get(id);
  if (!r) throw notFound(id);
  return r;
}

/** Deletes a tenant and, by `on delete cascade`, everything in it (migrations 00000000000000_initial/up.sql:94,117,153,188). */
export function deleteTenantCascade(ctx: CallContext, id: string): void {
  const { state } = ctx;
  state.tenants.delete(id);
  for (const [k, g] of state.gateways) if (g.tenant_id === id) state.gateways.delete(k);
  const apps = new Set<string>();
  for (const [k, a] of state.applications)
    if (a.tenant_id === id) {
      apps.add(k);
      state.applications.delete(k);
    }
  const profiles = new Set<string>();
  for (const [k, p] of state.deviceProfiles)
    if (p.tenant_id === id) {
      profiles.add(k);
      state.deviceProfiles.delete(k);
    }
  for (const [k, d] of state.devices)
    if (apps.has(d.application_id) || profiles.has(d.device_profile_id)) state.devices.delete(k);
}

/** The TenantService handlers. */
export function tenantService(): ServiceHandlers {
  return {
    create(req, ctx) {
      checkTenants(ctx.key, 'write'); // admin key only (validator.rs:438-441)
      const id = newUuid();
      ctx.state.tenants.set(id, {
        id,
        ...fields(req.getTenant()),
        created_at: ctx.now,
        updated_at: ctx.now,
      });
      const res = new tenantPb.CreateTenantResponse();
      res.setId(id);
      return res;
    },
    get(req, ctx) {
      const r = get(ctx, parseUuid(req.getId()), 'read');
      const t = new tenantPb.Tenant();
      t.setId(r.id);
      t.setName(r.name);
      t.setDescription(r.description);
      t.setCanHaveGateways(r.can_have_gateways);
      t.setMaxDeviceCount(r.max_device_count);
      t.setMaxGatewayCount(r.max_gateway_count);
      t.setPrivateGatewaysUp(r.private_gateways_up);
      t.setPrivateGatewaysDown(r.private_gateways_down);
      t.setDevAddrPrefixesList(r.dev_addr_prefixes);
      fillMap(t.getTagsMap(), r.tags);
      const res = new tenantPb.GetTenantResponse();
      res.setTenant(t);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req, ctx) {
      const t = req.getTenant();
      const r = get(ctx, parseUuid(t.getId()), 'write');
      Object.assign(r, fields(t), { updated_at: ctx.now });
      return new emptyPb.Empty();
    },
    delete(req, ctx) {
      const id = parseUuid(req.getId());
      get(ctx, id, 'write');
      deleteTenantCascade(ctx, id);
      return new emptyPb.Empty();
    },
    list(req, ctx) {
      checkTenants(ctx.key, 'read'); // admin key only (validator.rs:442-443)
      const search = req.getSearch() as string;
      const items = [...ctx.state.tenants.values()].filter((t) => ilike(t.name, search));
      const { total, page } = pageByName(items, (t) => t.id, req.getLimit(), req.getOffset());
      const res = new tenantPb.ListTenantsResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const t = new tenantPb.TenantListItem();
          t.setId(r.id);
          t.setName(r.name);
          t.setCanHaveGateways(r.can_have_gateways);
          t.setPrivateGatewaysUp(r.private_gateways_up);
          t.setPrivateGatewaysDown(r.private_gateways_down);
          t.setMaxDeviceCount(r.max_device_count);
          t.setMaxGatewayCount(r.max_gateway_count);
          t.setCreatedAt(ts(r.created_at));
          t.setUpdatedAt(ts(r.updated_at));
          return t;
        }),
      );
      return res;
    },
  };
}
