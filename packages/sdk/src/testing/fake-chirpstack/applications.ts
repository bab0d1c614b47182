import { fillMap, mapToRecord } from '../../chirpstack/convert.js';
import { applicationPb, emptyPb } from '../../chirpstack/proto.js';
import { checkOwned } from './auth.js';
import { foreignKey, notFound, parseUuid, validation } from './errors.js';
import { type CallContext, type ServiceHandlers, ts } from './handler.js';
import { ilike, pageByName } from './list.js';
import { type ApplicationRecord, newUuid } from './store.js';

// ApplicationService of ChirpStack v4.19.0 (chirpstack/src/api/application.rs,
// storage/application.rs). Names are not unique: two Creates with one name make two applications.

function get(ctx: CallContext, id: string, access: 'read' | 'write'): ApplicationRecord {
  const r = ctx.state.applications.get(id);
  checkOwned(ctx.key, access, r?.tenant_id); // ValidateApplicationAccess
  if (!r) throw notFound(id);
  return r;
}

/** The ApplicationService handlers. */
export function applicationService(): ServiceHandlers {
  return {
    create(req, ctx) {
      const a = req.getApplication();
      const tenantId = parseUuid(a.getTenantId());
      checkOwned(ctx.key, 'write', tenantId); // ValidateApplicationsAccess(Create, tenant_id)
      if (!a.getName()) throw validation('name is not set'); // storage/application.rs:35-37
      if (!ctx.state.tenants.has(tenantId)) throw foreignKey('application', 'application_tenant_id_fkey');
      const id = newUuid();
      ctx.state.applications.set(id, {
        id,
        tenant_id: tenantId,
        name: a.getName(),
        description: a.getDescription(),
        tags: mapToRecord(a.getTagsMap()),
        created_at: ctx.now,
        updated_at: ctx.now,
      });
      const res = new applicationPb.CreateApplicationResponse();
      res.setId(id);
      return res;
    },
    get(req, ctx) {
      const r = get(ctx, parseUuid(req.getId()), 'read');
      const a = new applicationPb.Application();
      a.setId(r.id);
      a.setTenantId(r.tenant_id);
      a.setName(r.name);
      a.setDescription(r.description);
      fillMap(a.getTagsMap(), r.tags);
      const res = new applicationPb.GetApplicationResponse();
      res.setApplication(a);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req, ctx) {
      const a = req.getApplication();
      const r = get(ctx, parseUuid(a.getId()), 'write');
      if (!a.getName()) throw validation('name is not set');
      Object.assign(r, {
        name: a.getName(),
        description: a.getDescription(),
        tags: mapToRecord(a.getTagsMap()),
        updated_at: ctx.now,
      });
      return new emptyPb.Empty();
    },
    delete(req, ctx) {
      const id = parseUuid(req.getId());
      get(ctx, id, 'write');
      ctx.state.applications.delete(id);
      // device.application_id references application on delete cascade (initial/up.sql:188).
      for (const [eui, d] of ctx.state.devices) if (d.application_id === id) ctx.state.devices.delete(eui);
      // application_integration.application_id too (initial/up.sql:130).
      ctx.state.integrations.delete(id);
      return new emptyPb.Empty();
    },
    list(req, ctx) {
      const tenantId = parseUuid(req.getTenantId());
      checkOwned(ctx.key, 'read', tenantId); // ValidateApplicationsAccess(List, tenant_id)
      const search = req.getSearch() as string;
      const items = [...ctx.state.applications.values()].filter(
        (a) => a.tenant_id === tenantId && ilike(a.name, search),
      );
      const { total, page } = pageByName(items, (a) => a.id, req.getLimit(), req.getOffset());
      const res = new applicationPb.ListApplicationsResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const a = new applicationPb.ApplicationListItem();
          a.setId(r.id);
          a.setName(r.name);
          a.setDescription(r.description);
          a.setCreatedAt(ts(r.created_at));
          a.setUpdatedAt(ts(r.updated_at));
          return a;
        }),
      );
      return res;
    },
  };
}
