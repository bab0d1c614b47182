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

/** What a device profile is created or updated from. */
export type DeviceProfileInput = DeviceProfileSpec & { tenant_id: string; description?: string };

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
  }): Promise<Page<DeviceProfileListItem>> {
    const req = new deviceProfilePb.ListDeviceProfilesRequest();
    req.setTenantId(options.tenant_id);
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
        { mutating: true, subject: spec.name },
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
    /** Replaces a device profile's fields. */
    async updateDeviceProfile(id: string, spec: DeviceProfileInput): Promise<void> {
      const req = new deviceProfilePb.UpdateDeviceProfileRequest();
      req.setDeviceProfile(toPb(spec, id));
      await rpc.call('DeviceProfileService', 'update', req, { mutating: true, subject: id });
    },
    /** Deletes a device profile. */
    async deleteDeviceProfile(id: string): Promise<void> {
      const req = new deviceProfilePb.DeleteDeviceProfileRequest();
      req.setId(id);
      await rpc.call('DeviceProfileService', 'delete', req, { mutating: true, subject: id });
    },
    listDeviceProfilesPage,
    /** Every device profile of a tenant. */
    listDeviceProfiles(tenantId: string, options: ListOptions = {}): AsyncIterable<DeviceProfileListItem> {
      return paginate(
        (limit, offset) =>
          listDeviceProfilesPage({ tenant_id: tenantId, limit, offset, search: options.search }),
        options,
      );
    },
  };
}
