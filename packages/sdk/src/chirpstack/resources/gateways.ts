import type { RpcCaller } from '../client.js';
import { fillMap, gatewayStateFromPb, mapToRecord, normalizeEui, toDate } from '../convert.js';
import { commonPb, gatewayPb } from '../proto.js';
import type { Gateway, GatewayDetails, GatewayListItem, ListOptions, Location, Page } from '../types.js';
import { paginate } from './paging.js';

type LocationMsg = InstanceType<typeof commonPb.Location>;

/** What a gateway is created or updated from. */
export type GatewayInput = Pick<Gateway, 'gateway_id' | 'tenant_id' | 'name'> &
  Partial<Omit<Gateway, 'gateway_id' | 'tenant_id' | 'name'>>;

function locationFromPb(l: LocationMsg | undefined): Location | null {
  if (!l) return null;
  return { latitude: l.getLatitude(), longitude: l.getLongitude(), altitude: l.getAltitude() };
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
        state: gatewayStateFromPb(g.getState()),
        last_seen_at: toDate(g.getLastSeenAt()),
        created_at: toDate(g.getCreatedAt()),
        updated_at: toDate(g.getUpdatedAt()),
      })),
    };
  }

  function toPb(g: GatewayInput) {
    const m = new gatewayPb.Gateway();
    m.setGatewayId(normalizeEui(g.gateway_id));
    m.setTenantId(g.tenant_id);
    m.setName(g.name);
    m.setDescription(g.description ?? '');
    m.setStatsInterval(g.stats_interval_s ?? 30);
    if (g.location) {
      const l = new commonPb.Location();
      l.setLatitude(g.location.latitude);
      l.setLongitude(g.location.longitude);
      l.setAltitude(g.location.altitude);
      m.setLocation(l);
    }
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
        tags: mapToRecord(g.getTagsMap()),
        metadata: mapToRecord(g.getMetadataMap()),
        created_at: toDate(res.getCreatedAt()),
        updated_at: toDate(res.getUpdatedAt()),
        last_seen_at: toDate(res.getLastSeenAt()),
      };
    },
    /** Replaces a gateway's fields. */
    async updateGateway(gateway: GatewayInput): Promise<void> {
      const req = new gatewayPb.UpdateGatewayRequest();
      req.setGateway(toPb(gateway));
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
      );
    },
  };
}
