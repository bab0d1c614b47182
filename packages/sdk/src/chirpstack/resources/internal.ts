import type { RpcCaller } from '../client.js';
import { emptyPb, internalPb } from '../proto.js';
import type { DevicesSummary, GatewaysSummary } from '../types.js';

/** Summaries and the server version. */
export function internalMethods(rpc: RpcCaller) {
  return {
    /** Active / inactive / never-seen device counts of a tenant. */
    async getDevicesSummary(tenantId: string): Promise<DevicesSummary> {
      const req = new internalPb.GetDevicesSummaryRequest();
      req.setTenantId(tenantId);
      const res = await rpc.call<InstanceType<typeof internalPb.GetDevicesSummaryResponse>>(
        'InternalService',
        'getDevicesSummary',
        req,
      );
      return {
        active_count: res.getActiveCount(),
        inactive_count: res.getInactiveCount(),
        never_seen_count: res.getNeverSeenCount(),
      };
    },
    /** Online / offline / never-seen gateway counts of a tenant. */
    async getGatewaysSummary(tenantId: string): Promise<GatewaysSummary> {
      const req = new internalPb.GetGatewaysSummaryRequest();
      req.setTenantId(tenantId);
      const res = await rpc.call<InstanceType<typeof internalPb.GetGatewaysSummaryResponse>>(
        'InternalService',
        'getGatewaysSummary',
        req,
      );
      return {
        online_count: res.getOnlineCount(),
        offline_count: res.getOfflineCount(),
        never_seen_count: res.getNeverSeenCount(),
      };
    },
    /** The server's ChirpStack version. */
    async getVersion(): Promise<string> {
      const res = await rpc.call<InstanceType<typeof internalPb.GetVersionResponse>>(
        'InternalService',
        'getVersion',
        new emptyPb.Empty(),
      );
      return res.getVersion();
    },
  };
}
