import { mapToRecord } from '../../chirpstack/convert.js';
import { deviceProfilePb, emptyPb } from '../../chirpstack/proto.js';
import { checkOwned, checkProfile } from './auth.js';
import { foreignKey, notFound, parseUuid, validation } from './errors.js';
import { type CallContext, type Req, type ServiceHandlers, ts } from './handler.js';
import { ilike, pageByName } from './list.js';
import { type DeviceProfileRecord, type FakeChirpStackState, newUuid } from './store.js';

// DeviceProfileService of ChirpStack v4.19.0 (chirpstack/src/api/device_profile.rs,
// storage/device_profile.rs). Create and Update write every column from the request
// (api/device_profile.rs:50-120 and :450-567; storage/device_profile.rs:318-350): a field the
// request leaves at its zero value is stored as zero. The fake keeps the whole message for that.

/** The columns other services read, and the message as written. */
function fields(p: Req): Omit<DeviceProfileRecord, 'id' | 'tenant_id' | 'created_at' | 'updated_at'> {
  if (!p.getName()) throw validation('name is not set'); // storage/device_profile.rs:113-116
  const rx1 = p.getRx1Delay() as number;
  if (rx1 < 0 || rx1 > 15) throw validation('RX1 Delay must be between 0 - 15'); // :118-120
  const copy = deviceProfilePb.DeviceProfile.deserializeBinary(p.serializeBinary());
  copy.setId('');
  copy.setTenantId('');
  return {
    name: p.getName(),
    description: p.getDescription(),
    region: p.getRegion(),
    region_config_id: p.getRegionConfigId(),
    mac_version: p.getMacVersion(),
    reg_params_revision: p.getRegParamsRevision(),
    supports_otaa: p.getSupportsOtaa(),
    uplink_interval: p.getUplinkInterval(),
    adr_algorithm_id: p.getAdrAlgorithmId(),
    payload_codec_runtime: p.getPayloadCodecRuntime(),
    payload_codec_script: p.getPayloadCodecScript(),
    device_status_req_interval: p.getDeviceStatusReqInterval(),
    tags: mapToRecord(p.getTagsMap()),
    message: copy.serializeBinary(),
  };
}

/** Adds a global profile (tenant null), as the device repository import does. Returns its id. */
export function addGlobalDeviceProfile(
  state: FakeChirpStackState,
  profile: InstanceType<typeof deviceProfilePb.DeviceProfile>,
  now: Date,
): string {
  const id = newUuid();
  state.deviceProfiles.set(id, { id, tenant_id: null, ...fields(profile), created_at: now, updated_at: now });
  return id;
}

function get(ctx: CallContext, id: string, access: 'read' | 'write'): DeviceProfileRecord {
  const r = ctx.state.deviceProfiles.get(id);
  checkProfile(ctx.key, access, r ? r.tenant_id : undefined);
  if (!r) throw notFound(id);
  return r;
}

/** The DeviceProfileService handlers. */
export function deviceProfileService(): ServiceHandlers {
  return {
    create(req, ctx) {
      const p = req.getDeviceProfile();
      const tenantId = parseUuid(p.getTenantId());
      checkOwned(ctx.key, 'write', tenantId); // ValidateDeviceProfilesAccess Create (validator.rs:1250-1257)
      const f = fields(p);
      if (!ctx.state.tenants.has(tenantId))
        throw foreignKey('device_profile', 'device_profile_tenant_id_fkey');
      const id = newUuid();
      ctx.state.deviceProfiles.set(id, {
        id,
        tenant_id: tenantId,
        ...f,
        created_at: ctx.now,
        updated_at: ctx.now,
      });
      const res = new deviceProfilePb.CreateDeviceProfileResponse();
      res.setId(id);
      return res;
    },
    get(req, ctx) {
      const r = get(ctx, parseUuid(req.getId()), 'read');
      const m = deviceProfilePb.DeviceProfile.deserializeBinary(r.message);
      m.setId(r.id);
      m.setTenantId(r.tenant_id ?? '');
      const res = new deviceProfilePb.GetDeviceProfileResponse();
      res.setDeviceProfile(m);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req, ctx) {
      const p = req.getDeviceProfile();
      const r = get(ctx, parseUuid(p.getId()), 'write');
      Object.assign(r, fields(p), { updated_at: ctx.now });
      return new emptyPb.Empty();
    },
    delete(req, ctx) {
      const id = parseUuid(req.getId());
      get(ctx, id, 'write');
      ctx.state.deviceProfiles.delete(id);
      // device.device_profile_id references device_profile on delete cascade (initial/up.sql:189):
      // the delete succeeds and takes every device using the profile with it, in any application.
      for (const [eui, d] of ctx.state.devices) if (d.device_profile_id === id) ctx.state.devices.delete(eui);
      return new emptyPb.Empty();
    },
    list(req, ctx) {
      const tenantId = req.getTenantId() ? parseUuid(req.getTenantId()) : undefined;
      const globalOnly = req.getGlobalOnly() as boolean;
      const tenantOnly = req.getTenantOnly() as boolean;
      // ValidateDeviceProfilesAccess List (validator.rs:1261-1268): global_only lists are open to any key.
      if (!globalOnly) checkOwned(ctx.key, 'read', tenantId ?? null);
      const search = req.getSearch() as string;
      const scoped = globalOnly ? undefined : tenantId;
      // storage/device_profile.rs:477-497: with a tenant id and not tenant_only, global profiles come too.
      const items = [...ctx.state.deviceProfiles.values()].filter((p) => {
        if (scoped !== undefined) {
          if (tenantOnly ? p.tenant_id !== scoped : p.tenant_id !== scoped && p.tenant_id !== null)
            return false;
        } else if (tenantOnly && p.tenant_id === null) return false;
        if (globalOnly && p.tenant_id !== null) return false;
        return ilike(p.name, search);
      });
      const { total, page } = pageByName(items, (p) => p.id, req.getLimit(), req.getOffset());
      const res = new deviceProfilePb.ListDeviceProfilesResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const p = new deviceProfilePb.DeviceProfileListItem();
          p.setId(r.id);
          p.setName(r.name);
          p.setRegion(r.region as never);
          p.setMacVersion(r.mac_version as never);
          p.setRegParamsRevision(r.reg_params_revision as never);
          p.setSupportsOtaa(r.supports_otaa);
          p.setCreatedAt(ts(r.created_at));
          p.setUpdatedAt(ts(r.updated_at));
          return p;
        }),
      );
      return res;
    },
  };
}
