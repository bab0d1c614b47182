import { fillMap, mapToRecord } from '../../chirpstack/convert.js';
import { commonPb, emptyPb, gatewayPb } from '../../chirpstack/proto.js';
import { checkOwned } from './auth.js';
import { duplicateKey, notAllowed, notFound, parseEui, parseUuid, validation } from './errors.js';
import { type CallContext, type Req, type ServiceHandlers, ts } from './handler.js';
import { ilike, pageByKey, pageByName } from './list.js';
import type { GatewayRecord } from './store.js';

// GatewayService of ChirpStack v4.19.0 (chirpstack/src/api/gateway.rs, storage/gateway.rs).

/** Gateway state from last seen: offline past 2 × stats interval (api/gateway.rs:275-288). */
export function gatewayState(g: GatewayRecord, now: Date): number {
  if (!g.last_seen_at) return 0;
  return now.getTime() - g.last_seen_at.getTime() <= 2 * g.stats_interval * 1000 ? 1 : 2;
}

/**
 * The columns Create and Update take from the request (api/gateway.rs:53-70, :146-162): no
 * location is (0, 0, 0); the altitude is stored as an f32 (storage/gateway.rs:29); metadata
 * (`properties`) is never written from the API.
 */
function parse(g: Req) {
  const l = g.getLocation();
  const f = {
    name: g.getName() as string,
    description: g.getDescription() as string,
    location: l
      ? { latitude: l.getLatitude(), longitude: l.getLongitude(), altitude: Math.fround(l.getAltitude()) }
      : { latitude: 0, longitude: 0, altitude: 0 },
    stats_interval: g.getStatsInterval() as number,
    downlink_priority: g.getDownlinkPriority() as number,
    tags: mapToRecord(g.getTagsMap()),
  };
  // storage/gateway.rs:38-48 (Gateway::validate, run by create and update).
  if (!f.name) throw validation('name is not set');
  if (f.downlink_priority <= 0) throw validation('downlink_priority must be > 0');
  return f;
}

function get(ctx: CallContext, id: string, access: 'read' | 'write'): GatewayRecord {
  const g = ctx.state.gateways.get(id);
  checkOwned(ctx.key, access, g?.tenant_id); // ValidateGatewayAccess (validator.rs:1925-1966)
  if (!g) throw notFound(id);
  return g;
}

function locationPb(r: GatewayRecord) {
  const l = new commonPb.Location();
  l.setLatitude(r.location.latitude);
  l.setLongitude(r.location.longitude);
  l.setAltitude(r.location.altitude);
  return l;
}

function create(req: Req, ctx: CallContext) {
  const g = req.getGateway();
  const tenantId = parseUuid(g.getTenantId());
  checkOwned(ctx.key, 'write', tenantId); // ValidateGatewaysAccess Create (validator.rs:1826-1833)
  const id = parseEui(g.getGatewayId());
  const f = parse(g);
  // storage/gateway.rs:190-232: the tenant (NOT_FOUND when missing), its gateway rules, then the insert.
  const tenant = ctx.state.tenants.get(tenantId);
  if (!tenant) throw notFound(tenantId);
  if (!tenant.can_have_gateways) throw notAllowed('Tenant can not have gateways');
  const count = [...ctx.state.gateways.values()].filter((x) => x.tenant_id === tenantId).length;
  if (tenant.max_gateway_count !== 0 && count >= tenant.max_gateway_count)
    throw notAllowed('Max number of gateways exceeded for tenant');
  if (ctx.state.gateways.has(id)) throw duplicateKey('gateway_pkey');
  ctx.state.gateways.set(id, {
    gateway_id: id,
    tenant_id: tenantId,
    ...f,
    metadata: {},
    last_seen_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  return new emptyPb.Empty();
}

function list(req: Req, ctx: CallContext) {
  const tenant = req.getTenantId() ? parseUuid(req.getTenantId()) : undefined;
  checkOwned(ctx.key, 'read', tenant ?? null); // ValidateGatewaysAccess List (validator.rs:1835-1840)
  const search = req.getSearch() as string;
  const items = [...ctx.state.gateways.values()].filter(
    (g) => (!tenant || g.tenant_id === tenant) && ilike(g.name, search),
  );
  const byId = req.getOrderBy() === gatewayPb.ListGatewaysRequest.OrderBy.GATEWAY_ID;
  const { total, page } = byId
    ? pageByKey(items, (g) => g.gateway_id, req.getLimit(), req.getOffset(), req.getOrderByDesc())
    : pageByName(items, (g) => g.gateway_id, req.getLimit(), req.getOffset());
  const res = new gatewayPb.ListGatewaysResponse();
  res.setTotalCount(total);
  res.setResultList(
    page.map((r) => {
      const g = new gatewayPb.GatewayListItem();
      g.setGatewayId(r.gateway_id);
      g.setTenantId(r.tenant_id);
      g.setName(r.name);
      g.setDescription(r.description);
      g.setLocation(locationPb(r));
      g.setState(gatewayState(r, ctx.now) as never);
      g.setDownlinkPriority(r.downlink_priority);
      g.setLastSeenAt(ts(r.last_seen_at));
      g.setCreatedAt(ts(r.created_at));
      g.setUpdatedAt(ts(r.updated_at));
      return g;
    }),
  );
  return res;
}

/** The GatewayService handlers. */
export function gatewayService(): ServiceHandlers {
  return {
    create,
    get(req, ctx) {
      const r = get(ctx, parseEui(req.getGatewayId()), 'read');
      const g = new gatewayPb.Gateway();
      g.setGatewayId(r.gateway_id);
      g.setTenantId(r.tenant_id);
      g.setName(r.name);
      g.setDescription(r.description);
      g.setLocation(locationPb(r)); // always set (api/gateway.rs:102-107)
      g.setStatsInterval(r.stats_interval);
      g.setDownlinkPriority(r.downlink_priority);
      fillMap(g.getTagsMap(), r.tags);
      fillMap(g.getMetadataMap(), r.metadata);
      const res = new gatewayPb.GetGatewayResponse();
      res.setGateway(g);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      res.setLastSeenAt(ts(r.last_seen_at));
      return res;
    },
    update(req, ctx) {
      const g = req.getGateway();
      const r = get(ctx, parseEui(g.getGatewayId()), 'write');
      // storage/gateway.rs:246-257: the tenant_id of the request is ignored (never written).
      Object.assign(r, parse(g), { updated_at: ctx.now });
      return new emptyPb.Empty();
    },
    delete(req, ctx) {
      const id = parseEui(req.getGatewayId());
      get(ctx, id, 'write');
      ctx.state.gateways.delete(id);
      return new emptyPb.Empty();
    },
    list,
  };
}
