import type { DeviceProfileSpec } from '@fieldops/contracts/chirpstack/v1';
import type { RpcCaller } from '../client.js';
import {
  codecFromPb,
  codecToPb,
  fillMap,
  macVersionFromPb,
  macVersionToPb,
  mapToRecord,
  regionFromPb,
  regionToPb,
  revisionFromPb,
  revisionToPb,
  toDate,
} from '../convert.js';
import { deviceProfilePb } from '../proto.js';
import type { DeviceProfile, DeviceProfileListItem, ListOptions, Page } from '../types.js';
import { paginate } from './paging.js';

type ProfileMsg = InstanceType<typeof deviceProfilePb.DeviceProfile>;

/**
 * Device-status requests per day a profile is created with when none is given. ChirpStack's zero
 * means "never ask": devices then never report battery or margin, and battery alerts cannot fire.
 */
export const DEFAULT_DEVICE_STATUS_REQ_INTERVAL = 1;

/** What a device profile is created from. */
export type DeviceProfileInput = DeviceProfileSpec & {
  tenant_id: string;
  description?: string;
  /** Device-status requests per day (default {@link DEFAULT_DEVICE_STATUS_REQ_INTERVAL}). */
  device_status_req_interval?: number;
};

/** Sets the fields fieldops manages on a profile message; fields `spec` lacks keep their value. */
function setManaged(p: ProfileMsg, spec: Partial<DeviceProfileInput>): void {
  if (spec.name !== undefined) p.setName(spec.name);
  if (spec.description !== undefined) p.setDescription(spec.description);
  if (spec.region !== undefined) {
    p.setRegion(regionToPb(spec.region) as never);
    p.setRegionConfigId(spec.region);
  }
  if (spec.mac_version !== undefined) p.setMacVersion(macVersionToPb(spec.mac_version) as never);
  if (spec.reg_params_revision !== undefined)
    p.setRegParamsRevision(revisionToPb(spec.reg_params_revision) as never);
  if (spec.supports_otaa !== undefined) p.setSupportsOtaa(spec.supports_otaa);
  if (spec.uplink_interval_s !== undefined) p.setUplinkInterval(spec.uplink_interval_s);
  if (spec.adr_algorithm_id !== undefined) p.setAdrAlgorithmId(spec.adr_algorithm_id);
  if (spec.payload_codec !== undefined) p.setPayloadCodecRuntime(codecToPb(spec.payload_codec) as never);
  if (spec.payload_codec_script !== undefined) p.setPayloadCodecScript(spec.payload_codec_script);
  if (spec.device_status_req_interval !== undefined)
    p.setDeviceStatusReqInterval(spec.device_status_req_interval);
  if (spec.tags !== undefined) {
    p.getTagsMap().clear();
    fillMap(p.getTagsMap(), spec.tags);
  }
}

function toPb(spec: DeviceProfileInput, id = ''): ProfileMsg {
  const p = new deviceProfilePb.DeviceProfile();
  p.setId(id);
  p.setTenantId(spec.tenant_id);
  p.setName(spec.name);
  p.setDescription(spec.description ?? '');
  p.setRegion(regionToPb(spec.region) as never);
  p.setRegionConfigId(spec.region);
  p.setMacVersion(macVersionToPb(spec.mac_version) as never);
  p.setRegParamsRevision(revisionToPb(spec.reg_params_revision) as never);
  p.setSupportsOtaa(spec.supports_otaa);
  p.setUplinkInterval(spec.uplink_interval_s);
  p.setAdrAlgorithmId(spec.adr_algorithm_id ?? 'default');
  p.setPayloadCodecRuntime(codecToPb(spec.payload_codec ?? 'none') as never);
  p.setPayloadCodecScript(spec.payload_codec_script ?? '');
  p.setDeviceStatusReqInterval(spec.device_status_req_interval ?? DEFAULT_DEVICE_STATUS_REQ_INTERVAL);
  fillMap(p.getTagsMap(), spec.tags);
  return p;
}

/** A DeviceProfile message -> plain object. */
export function deviceProfileFromPb(p: ProfileMsg): DeviceProfile {
  return {
    id: p.getId(),
    tenant_id: p.getTenantId(),
    name: p.getName(),
    description: p.getDescription(),
    region: regionFromPb(p.getRegion()),
    mac_version: macVersionFromPb(p.getMacVersion()),
    reg_params_revision: revisionFromPb(p.getRegParamsRevision()),
    supports_otaa: p.getSupportsOtaa(),
    uplink_interval_s: p.getUplinkInterval(),
    adr_algorithm_id: p.getAdrAlgorithmId(),
    payload_codec: codecFromPb(p.getPayloadCodecRuntime()),
    payload_codec_script: p.getPayloadCodecScript(),
    region_config_id: p.getRegionConfigId(),
    device_status_req_interval: p.getDeviceStatusReqInterval(),
    tags: mapToRecord(p.getTagsMap()),
  };
}

/** Device profile CRUD. */
export function deviceProfileMethods(rpc: RpcCaller) {
  async function listDeviceProfilesPage(options: {
    tenant_id: string;
    limit: number;
    offset?: number;
    search?: string;
    /** Only the tenant's own profiles (default true); false adds the global ones. */
    tenant_only?: boolean;
  }): Promise<Page<DeviceProfileListItem>> {
    const req = new deviceProfilePb.ListDeviceProfilesRequest();
    req.setTenantId(options.tenant_id);
    // With a tenant id and tenant_only false ChirpStack adds every global profile
    // (storage/device_profile.rs:477-489 at v4.19.0): not ours to update or delete.
    req.setTenantOnly(options.tenant_only ?? true);
    req.setLimit(options.limit);
    req.setOffset(options.offset ?? 0);
    req.setSearch(options.search ?? '');
    const res = await rpc.call<InstanceType<typeof deviceProfilePb.ListDeviceProfilesResponse>>(
      'DeviceProfileService',
      'list',
      req,
    );
    return {
      total_count: res.getTotalCount(),
      items: res.getResultList().map((p) => ({
        id: p.getId(),
        name: p.getName(),
        region: regionFromPb(p.getRegion()),
        mac_version: macVersionFromPb(p.getMacVersion()),
        reg_params_revision: revisionFromPb(p.getRegParamsRevision()),
        supports_otaa: p.getSupportsOtaa(),
        created_at: toDate(p.getCreatedAt()),
        updated_at: toDate(p.getUpdatedAt()),
      })),
    };
  }
  return {
    /** Creates a device profile; returns its id. */
    async createDeviceProfile(spec: DeviceProfileInput): Promise<string> {
      const req = new deviceProfilePb.CreateDeviceProfileRequest();
      req.setDeviceProfile(toPb(spec));
      const res = await rpc.call<InstanceType<typeof deviceProfilePb.CreateDeviceProfileResponse>>(
        'DeviceProfileService',
        'create',
        req,
        // Never retried: a lost reply after the commit would make a second profile with this name.
        { mutating: true, idempotent: false, subject: spec.name },
      );
      return res.getId();
    },
    /** Reads a device profile. */
    async getDeviceProfile(id: string): Promise<DeviceProfile> {
      const req = new deviceProfilePb.GetDeviceProfileRequest();
      req.setId(id);
      const res = await rpc.call<InstanceType<typeof deviceProfilePb.GetDeviceProfileResponse>>(
        'DeviceProfileService',
        'get',
        req,
        { subject: id },
      );
      return deviceProfileFromPb(res.getDeviceProfile() ?? new deviceProfilePb.DeviceProfile());
    },
    /**
     * Updates a device profile by read-modify-write: ChirpStack's Update writes every column from
     * the request (~30: class B/C, ABP, RX1 delay, measurements, roaming, relay…;
     * storage/device_profile.rs:318-350 at v4.19.0), so the profile is read and only the fields given
     * here change.
     */
    async updateDeviceProfile(id: string, patch: Partial<DeviceProfileInput>): Promise<void> {
      const get = new deviceProfilePb.GetDeviceProfileRequest();
      get.setId(id);
      const current = await rpc.call<InstanceType<typeof deviceProfilePb.GetDeviceProfileResponse>>(
        'DeviceProfileService',
        'get',
        get,
        { subject: id },
      );
      const p = current.getDeviceProfile() ?? new deviceProfilePb.DeviceProfile();
      p.setId(id);
      setManaged(p, patch);
      const req = new deviceProfilePb.UpdateDeviceProfileRequest();
      req.setDeviceProfile(p);
      await rpc.call('DeviceProfileService', 'update', req, { mutating: true, subject: id });
    },
    /**
     * Reads a device profile as ChirpStack's whole `api.DeviceProfile` message (every column, also
     * those fieldops does not model), protobuf binary with `id` and `tenant_id` cleared: what a
     * backup keeps so a restore writes the profile back in full.
     */
    async getDeviceProfileMessage(id: string): Promise<Uint8Array> {
      const req = new deviceProfilePb.GetDeviceProfileRequest();
      req.setId(id);
      const res = await rpc.call<InstanceType<typeof deviceProfilePb.GetDeviceProfileResponse>>(
        'DeviceProfileService',
        'get',
        req,
        { subject: id },
      );
      const p = res.getDeviceProfile() ?? new deviceProfilePb.DeviceProfile();
      p.setId('');
      p.setTenantId('');
      return p.serializeBinary();
    },
    /** Writes a whole `api.DeviceProfile` message (from {@link getDeviceProfileMessage}) over profile `id` of `tenantId`. */
    async putDeviceProfileMessage(id: string, tenantId: string, message: Uint8Array): Promise<void> {
      const p = deviceProfilePb.DeviceProfile.deserializeBinary(message);
      p.setId(id);
      p.setTenantId(tenantId);
      const req = new deviceProfilePb.UpdateDeviceProfileRequest();
      req.setDeviceProfile(p);
      await rpc.call('DeviceProfileService', 'update', req, { mutating: true, subject: id });
    },
    /** Deletes a device profile. */
    async deleteDeviceProfile(id: string): Promise<void> {
      const req = new deviceProfilePb.DeleteDeviceProfileRequest();
      req.setId(id);
      await rpc.call('DeviceProfileService', 'delete', req, { mutating: true, subject: id });
    },
    listDeviceProfilesPage,
    /** Every device profile of a tenant (its own only, unless `tenantOnly: false`), each once. */
    listDeviceProfiles(
      tenantId: string,
      options: ListOptions & { tenantOnly?: boolean } = {},
    ): AsyncIterable<DeviceProfileListItem> {
      return paginate(
        (limit, offset) =>
          listDeviceProfilesPage({
            tenant_id: tenantId,
            limit,
            offset,
            search: options.search,
            tenant_only: options.tenantOnly ?? true,
          }),
        options,
        (p) => p.id,
      );
    },
  };
}
