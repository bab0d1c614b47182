import { internalPb } from '../../chirpstack/proto.js';
import { checkTenant, requireUser } from './auth.js';
import { parseUuid } from './errors.js';
import { gatewayState } from './gateways.js';
import type { CallContext, Req, ServiceHandlers } from './handler.js';

// InternalService of ChirpStack v4.19.0 (chirpstack/src/api/internal.rs): the summaries take a
// tenant id (ValidateTenantAccess Read) or, without one, need a user session (ValidateIsAdmin,
// which refuses every API key: internal.rs:611-615); GetVersion refuses API keys (internal.rs:969-980).

function scope(req: Req, ctx: CallContext): string {
  if (!req.getTenantId()) requireUser(ctx.key);
  const id = parseUuid(req.getTenantId());
  checkTenant(ctx.key, 'read', id);
  return id;
}

/** The InternalService handlers the fake implements. */
export function internalService(): ServiceHandlers {
  return {
    getVersion(_req, ctx) {
      requireUser(ctx.key);
    },
    getDevicesSummary(req, ctx) {
      const tenant = scope(req, ctx);
      const at = ctx.now.getTime();
      let active = 0;
      let inactive = 0;
      let never = 0;
      for (const d of ctx.state.devices.values()) {
        if (ctx.state.applications.get(d.application_id)?.tenant_id !== tenant) continue;
        const interval = ctx.state.deviceProfiles.get(d.device_profile_id)?.uplink_interval ?? 3600;
        if (!d.last_seen_at) never += 1;
        else if (at - d.last_seen_at.getTime() <= 1.5 * interval * 1000) active += 1;
        else inactive += 1;
      }
      const res = new internalPb.GetDevicesSummaryResponse();
      res.setActiveCount(active);
      res.setInactiveCount(inactive);
      res.setNeverSeenCount(never);
      return res;
    },
    getGatewaysSummary(req, ctx) {
      const tenant = scope(req, ctx);
      const counts = [0, 0, 0];
      for (const g of ctx.state.gateways.values()) {
        if (g.tenant_id !== tenant) continue;
        const s = gatewayState(g, ctx.now);
        counts[s] = (counts[s] ?? 0) + 1;
      }
      const res = new internalPb.GetGatewaysSummaryResponse();
      res.setNeverSeenCount(counts[0]!);
      res.setOnlineCount(counts[1]!);
      res.setOfflineCount(counts[2]!);
      return res;
    },
  };
}
