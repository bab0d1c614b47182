import type { RpcCaller } from '../client.js';
import { fillMap, gatewayStateFromPb, mapToRecord, normalizeEui, toDate } from '../convert.js';
import { commonPb, gatewayPb } from '../proto.js';
import type { Gateway, GatewayDetails, GatewayListItem, ListOptions, Location, Page } from '../types.js';
import { paginate } from './paging.js';
import { requireEui, requireName } from './validate.js';

type LocationMsg = InstanceType<typeof commonPb.Location>;

/** What a gateway is created or updated from. */
export type GatewayInput = Pick<Gateway, 'gateway_id' | 'tenant_id' | 'name'> &
  Partial<Omit<Gateway, 'gateway_id' | 'tenant_id' | 'name'>>;

/** ChirpStack's own default downlink priority (storage/gateway.rs:70 at v4.19.0); 0 is refused (:43-45). */
export const DEFAULT_GATEWAY_DOWNLINK_PRIORITY = 10;
/** The stats interval a gateway is created with when none is given (ChirpStack's default, storage/gateway.rs:67). */
export const DEFAULT_GATEWAY_STATS_INTERVAL_S = 30;

/** A location as read: (0, 0, 0) is ChirpStack's "unset" (it has no null location) and becomes null. */
export function locationFromPb(l: LocationMsg | undefined): Location | null {
  if (!l) return null;
  const location = { latitude: l.getLatitude(), longitude: l.getLongitude(), altitude: l.getAltitude() };
  return location.latitude === 0 && location.longitude === 0 && location.altitude === 0 ? null : location;
}

/** What {@link updateGateway} changes: the id, and the fields given (the others keep their value). */
export type GatewayPatch = Pick<Gateway, 'gateway_id'> & Partial<Omit<Gateway, 'gateway_id'>>;

/** A location message; null writes (0, 0, 0), ChirpStack's "unset". */
function locationToPb(location: Location | null): LocationMsg {
  const l = new commonPb.Location();
  l.setLatitude(location?.latitude ?? 0);
  l.setLongitude(location?.longitude ?? 0);
  l.setAltitude(location?.altitude ?? 0);
  return l;
}

/** Gateway CRUD and state. */
export function gatewayMethods(rpc: RpcCaller) {
  async function listGatewaysPage(options: {
    tenant_id: string;
    limit: number;
    offset?: number;
    search?: string;
  }): Promise<Page<GatewayListItem>> {
    const req = new gatewayPb.ListGatewaysRequest();
    req.setTenantId(options.tenant_id);
    // By gateway id, a unique key: the default order (name only) is unstable across pages.
    req.setOrderBy(gatewayPb.ListGatewaysRequest.OrderBy.GATEWAY_ID);
    req.setLimit(options.limit);
    req.setOffset(options.offset ?? 0);
    req.setSearch(options.search ?? '');
    const res = await rpc.call<InstanceType<typeof gatewayPb.ListGatewaysResponse>>(
      'GatewayService',
      'list',
      req,
    );
    return {
      total_count: res.getTotalCount(),
      items: res.getResultList().map((g) => ({
        gateway_id: g.getGatewayId(),
        tenant_id: g.getTenantId(),
        name: g.getName(),
        description: g.getDescription(),
        location: locationFromPb(g.getLocation()),
        downlink_priority: g.getDownlinkPriority(),
        state: gatewayStateFromPb(g.getState()),
        last_seen_at: toDate(g.getLastSeenAt()),
        created_at: toDate(g.getCreatedAt()),
        updated_at: toDate(g.getUpdatedAt()),
      })),
    };
  }

  function toPb(g: GatewayInput) {
    const m = new gatewayPb.Gateway();
    m.setGatewayId(requireEui(g.gateway_id, 'gateway_id', 'GatewayService/Create'));
    m.setTenantId(g.tenant_id);
    m.setName(requireName(g.name, 'name', 'GatewayService/Create'));
    m.setDescription(g.description ?? '');
    m.setStatsInterval(g.stats_interval_s ?? DEFAULT_GATEWAY_STATS_INTERVAL_S);
    m.setDownlinkPriority(g.downlink_priority ?? DEFAULT_GATEWAY_DOWNLINK_PRIORITY);
    if (g.location) m.setLocation(locationToPb(g.location));
    fillMap(m.getTagsMap(), g.tags);
    fillMap(m.getMetadataMap(), g.metadata);
    return m;
  }

  return {
    /** Creates a gateway. */
    async createGateway(gateway: GatewayInput): Promise<void> {
      const req = new gatewayPb.CreateGatewayRequest();
      req.setGateway(toPb(gateway));
      await rpc.call('GatewayService', 'create', req, {
        mutating: true,
        subject: normalizeEui(gateway.gateway_id),
      });
    },
    /** Reads a gateway with its last seen time. */
    async getGateway(gatewayId: string): Promise<GatewayDetails> {
      const req = new gatewayPb.GetGatewayRequest();
      req.setGatewayId(normalizeEui(gatewayId));
      const res = await rpc.call<InstanceType<typeof gatewayPb.GetGatewayResponse>>(
        'GatewayService',
        'get',
        req,
        {
          subject: normalizeEui(gatewayId),
        },
      );
      const g = res.getGateway() ?? new gatewayPb.Gateway();
      return {
        gateway_id: g.getGatewayId(),
        tenant_id: g.getTenantId(),
        name: g.getName(),
        description: g.getDescription(),
        location: locationFromPb(g.getLocation()),
        stats_interval_s: g.getStatsInterval(),
        downlink_priority: g.getDownlinkPriority(),
        tags: mapToRecord(g.getTagsMap()),
        metadata: mapToRecord(g.getMetadataMap()),
        created_at: toDate(res.getCreatedAt()),
        updated_at: toDate(res.getUpdatedAt()),
        last_seen_at: toDate(res.getLastSeenAt()),
      };
    },
    /**
     * Replaces a gateway's fields (ChirpStack writes name, description, location, stats interval,
     * tags and downlink priority; it ignores `tenant_id` and `metadata`): read it first and pass
     * what you do not manage unchanged.
     */
    async updateGateway(gateway: GatewayPatch): Promise<void> {
      const id = requireEui(gateway.gateway_id, 'gateway_id', 'GatewayService/Update');
      const get = new gatewayPb.GetGatewayRequest();
      get.setGatewayId(id);
      const current = await rpc.call<InstanceType<typeof gatewayPb.GetGatewayResponse>>(
        'GatewayService',
        'get',
        get,
        { subject: id },
      );
      const m = current.getGateway() ?? new gatewayPb.Gateway();
      m.setGatewayId(id);
      if (gateway.name !== undefined) m.setName(gateway.name);
      if (gateway.description !== undefined) m.setDescription(gateway.description);
      if (gateway.stats_interval_s !== undefined) m.setStatsInterval(gateway.stats_interval_s);
      if (gateway.downlink_priority !== undefined) m.setDownlinkPriority(gateway.downlink_priority);
      if (m.getDownlinkPriority() <= 0) m.setDownlinkPriority(DEFAULT_GATEWAY_DOWNLINK_PRIORITY);
      if (gateway.location !== undefined) m.setLocation(locationToPb(gateway.location));
      if (gateway.tags !== undefined) {
        m.getTagsMap().clear();
        fillMap(m.getTagsMap(), gateway.tags);
      }
      const req = new gatewayPb.UpdateGatewayRequest();
      req.setGateway(m);
      await rpc.call('GatewayService', 'update', req, {
        mutating: true,
        subject: normalizeEui(gateway.gateway_id),
      });
    },
    /** Deletes a gateway. */
    async deleteGateway(gatewayId: string): Promise<void> {
      const req = new gatewayPb.DeleteGatewayRequest();
      req.setGatewayId(normalizeEui(gatewayId));
      await rpc.call('GatewayService', 'delete', req, { mutating: true, subject: normalizeEui(gatewayId) });
    },
    listGatewaysPage,
    /** Every gateway of a tenant, with its state. */
    listGateways(tenantId: string, options: ListOptions = {}): AsyncIterable<GatewayListItem> {
      return paginate(
        (limit, offset) => listGatewaysPage({ tenant_id: tenantId, limit, offset, search: options.search }),
        options,
        (g) => g.gateway_id,
      );
    },
  };
}
