import type { RpcCaller } from '../client.js';
import {
  aggregationToPb,
  fillMap,
  mapToRecord,
  metricFromPb,
  normalizeEui,
  revealSecret,
  secretValue,
  toDate,
  toTimestamp,
} from '../convert.js';
import { devicePb } from '../proto.js';
import type {
  Aggregation,
  Device,
  DeviceActivation,
  DeviceActivationInput,
  DeviceDetails,
  DeviceKeys,
  DeviceKeysInput,
  DeviceLinkMetrics,
  DeviceListItem,
  DeviceStatus,
  ListOptions,
  Page,
} from '../types.js';
import { paginate } from './paging.js';
import { requireEui, requireKey, requireName } from './validate.js';

type DeviceMsg = InstanceType<typeof devicePb.Device>;
type StatusMsg = InstanceType<typeof devicePb.DeviceStatus>;

/** What a device is created or updated from. */
export type DeviceInput = Pick<Device, 'dev_eui' | 'name' | 'application_id' | 'device_profile_id'> &
  Partial<Omit<Device, 'dev_eui' | 'name' | 'application_id' | 'device_profile_id'>>;

function toPb(d: DeviceInput, operation: string): DeviceMsg {
  const m = new devicePb.Device();
  m.setDevEui(requireEui(d.dev_eui, 'dev_eui', operation));
  m.setName(requireName(d.name, 'name', operation));
  m.setDescription(d.description ?? '');
  m.setApplicationId(d.application_id);
  m.setDeviceProfileId(d.device_profile_id);
  m.setJoinEui(d.join_eui ? requireEui(d.join_eui, 'join_eui', operation) : '');
  m.setIsDisabled(d.is_disabled ?? false);
  m.setSkipFcntCheck(d.skip_fcnt_check ?? false);
  fillMap(m.getTagsMap(), d.tags);
  fillMap(m.getVariablesMap(), d.variables);
  return m;
}

function statusFromPb(s: StatusMsg | undefined): DeviceStatus | null {
  if (!s) return null;
  const battery = s.getBatteryLevel();
  return {
    margin: s.getMargin(),
    external_power_source: s.getExternalPowerSource(),
    battery_level: s.getExternalPowerSource() || battery < 0 ? null : battery,
  };
}

/** Device CRUD, keys, activation, status and link metrics. */
export function deviceMethods(rpc: RpcCaller) {
  async function listDevicesPage(options: {
    application_id: string;
    limit: number;
    offset?: number;
    search?: string;
    tags?: Record<string, string>;
    device_profile_id?: string;
  }): Promise<Page<DeviceListItem>> {
    const req = new devicePb.ListDevicesRequest();
    req.setApplicationId(options.application_id);
    // By DevEUI, a unique key: the default order (name only) is unstable across pages.
    req.setOrderBy(devicePb.ListDevicesRequest.OrderBy.DEV_EUI);
    req.setLimit(options.limit);
    req.setOffset(options.offset ?? 0);
    req.setSearch(options.search ?? '');
    req.setDeviceProfileId(options.device_profile_id ?? '');
    fillMap(req.getTagsMap(), options.tags);
    const res = await rpc.call<InstanceType<typeof devicePb.ListDevicesResponse>>(
      'DeviceService',
      'list',
      req,
    );
    return {
      total_count: res.getTotalCount(),
      items: res.getResultList().map((d) => ({
        dev_eui: d.getDevEui(),
        name: d.getName(),
        description: d.getDescription(),
        device_profile_id: d.getDeviceProfileId(),
        device_profile_name: d.getDeviceProfileName(),
        last_seen_at: toDate(d.getLastSeenAt()),
        status: statusFromPb(d.getDeviceStatus()),
        tags: mapToRecord(d.getTagsMap()),
        created_at: toDate(d.getCreatedAt()),
        updated_at: toDate(d.getUpdatedAt()),
      })),
    };
  }

  function keySecrets(keys: DeviceKeysInput): string[] {
    return [keys.nwk_key, keys.app_key, keys.gen_app_key].filter((k) => k !== undefined).map(revealSecret);
  }

  function keysToPb(keys: DeviceKeysInput, operation: string) {
    const k = new devicePb.DeviceKeys();
    k.setDevEui(requireEui(keys.dev_eui, 'dev_eui', operation));
    k.setNwkKey(requireKey(revealSecret(keys.nwk_key), 'nwk_key', operation));
    if (keys.app_key !== undefined) k.setAppKey(requireKey(revealSecret(keys.app_key), 'app_key', operation));
    if (keys.gen_app_key !== undefined)
      k.setGenAppKey(requireKey(revealSecret(keys.gen_app_key), 'gen_app_key', operation));
    return k;
  }

  return {
    /** Creates a device. */
    async createDevice(device: DeviceInput): Promise<void> {
      const req = new devicePb.CreateDeviceRequest();
      req.setDevice(toPb(device, 'DeviceService/Create'));
      await rpc.call('DeviceService', 'create', req, {
        mutating: true,
        subject: normalizeEui(device.dev_eui),
      });
    },
    /** Reads a device with its status and last seen time. */
    async getDevice(devEui: string): Promise<DeviceDetails> {
      const req = new devicePb.GetDeviceRequest();
      req.setDevEui(normalizeEui(devEui));
      const res = await rpc.call<InstanceType<typeof devicePb.GetDeviceResponse>>(
        'DeviceService',
        'get',
        req,
        {
          subject: normalizeEui(devEui),
        },
      );
      const d = res.getDevice() ?? new devicePb.Device();
      return {
        dev_eui: d.getDevEui(),
        name: d.getName(),
        description: d.getDescription(),
        application_id: d.getApplicationId(),
        device_profile_id: d.getDeviceProfileId(),
        join_eui: d.getJoinEui(),
        is_disabled: d.getIsDisabled(),
        skip_fcnt_check: d.getSkipFcntCheck(),
        tags: mapToRecord(d.getTagsMap()),
        variables: mapToRecord(d.getVariablesMap()),
        created_at: toDate(res.getCreatedAt()),
        updated_at: toDate(res.getUpdatedAt()),
        last_seen_at: toDate(res.getLastSeenAt()),
        status: statusFromPb(res.getDeviceStatus()),
      };
    },
    /** Replaces a device's fields (moving it between applications of one tenant included). */
    async updateDevice(device: DeviceInput): Promise<void> {
      const req = new devicePb.UpdateDeviceRequest();
      req.setDevice(toPb(device, 'DeviceService/Update'));
      await rpc.call('DeviceService', 'update', req, {
        mutating: true,
        subject: normalizeEui(device.dev_eui),
      });
    },
    /** Deletes a device. */
    async deleteDevice(devEui: string): Promise<void> {
      const req = new devicePb.DeleteDeviceRequest();
      req.setDevEui(normalizeEui(devEui));
      await rpc.call('DeviceService', 'delete', req, { mutating: true, subject: normalizeEui(devEui) });
    },
    listDevicesPage,
    /** Every device of an application, page by page (a List: no join EUI, variables or flags). */
    listDevices(
      applicationId: string,
      options: ListOptions & { tags?: Record<string, string>; device_profile_id?: string } = {},
    ): AsyncIterable<DeviceListItem> {
      return paginate(
        (limit, offset) =>
          listDevicesPage({
            application_id: applicationId,
            limit,
            offset,
            search: options.search,
            tags: options.tags,
            device_profile_id: options.device_profile_id,
          }),
        options,
        (d) => d.dev_eui,
      );
    },
    /** Writes OTAA root keys of a device that has none. */
    async createDeviceKeys(keys: DeviceKeysInput): Promise<void> {
      const req = new devicePb.CreateDeviceKeysRequest();
      req.setDeviceKeys(keysToPb(keys, 'DeviceService/CreateKeys'));
      await rpc.call('DeviceService', 'createKeys', req, {
        mutating: true,
        subject: normalizeEui(keys.dev_eui),
        secrets: keySecrets(keys),
      });
    },
    /** Replaces OTAA root keys. */
    async updateDeviceKeys(keys: DeviceKeysInput): Promise<void> {
      const req = new devicePb.UpdateDeviceKeysRequest();
      req.setDeviceKeys(keysToPb(keys, 'DeviceService/UpdateKeys'));
      await rpc.call('DeviceService', 'updateKeys', req, {
        mutating: true,
        subject: normalizeEui(keys.dev_eui),
        secrets: keySecrets(keys),
      });
    },
    /** Reads OTAA root keys; values print as `[redacted]`. */
    async getDeviceKeys(devEui: string): Promise<DeviceKeys> {
      const req = new devicePb.GetDeviceKeysRequest();
      req.setDevEui(normalizeEui(devEui));
      const res = await rpc.call<InstanceType<typeof devicePb.GetDeviceKeysResponse>>(
        'DeviceService',
        'getKeys',
        req,
        { subject: normalizeEui(devEui) },
      );
      const k = res.getDeviceKeys() ?? new devicePb.DeviceKeys();
      return {
        dev_eui: k.getDevEui(),
        nwk_key: secretValue(k.getNwkKey()),
        app_key: k.getAppKey() ? secretValue(k.getAppKey()) : null,
        gen_app_key: k.getGenAppKey() ? secretValue(k.getGenAppKey()) : null,
      };
    },
    /** Deletes OTAA root keys. */
    async deleteDeviceKeys(devEui: string): Promise<void> {
      const req = new devicePb.DeleteDeviceKeysRequest();
      req.setDevEui(normalizeEui(devEui));
      await rpc.call('DeviceService', 'deleteKeys', req, { mutating: true, subject: normalizeEui(devEui) });
    },
    /** Activates a device (ABP). */
    async activateDevice(activation: DeviceActivationInput): Promise<void> {
      const a = new devicePb.DeviceActivation();
      a.setDevEui(normalizeEui(activation.dev_eui));
      a.setDevAddr(activation.dev_addr.toLowerCase());
      a.setAppSKey(revealSecret(activation.app_s_key));
      a.setNwkSEncKey(revealSecret(activation.nwk_s_enc_key));
      a.setSNwkSIntKey(revealSecret(activation.s_nwk_s_int_key));
      a.setFNwkSIntKey(revealSecret(activation.f_nwk_s_int_key));
      a.setFCntUp(activation.f_cnt_up ?? 0);
      a.setNFCntDown(activation.n_f_cnt_down ?? 0);
      a.setAFCntDown(activation.a_f_cnt_down ?? 0);
      const req = new devicePb.ActivateDeviceRequest();
      req.setDeviceActivation(a);
      await rpc.call('DeviceService', 'activate', req, {
        mutating: true,
        subject: normalizeEui(activation.dev_eui),
        secrets: [
          activation.app_s_key,
          activation.nwk_s_enc_key,
          activation.s_nwk_s_int_key,
          activation.f_nwk_s_int_key,
        ].map(revealSecret),
      });
    },
    /** Removes a device's activation (it must join again). */
    async deactivateDevice(devEui: string): Promise<void> {
      const req = new devicePb.DeactivateDeviceRequest();
      req.setDevEui(normalizeEui(devEui));
      await rpc.call('DeviceService', 'deactivate', req, { mutating: true, subject: normalizeEui(devEui) });
    },
    /** Reads a device's activation; null when it has none. */
    async getDeviceActivation(devEui: string): Promise<DeviceActivation | null> {
      const req = new devicePb.GetDeviceActivationRequest();
      req.setDevEui(normalizeEui(devEui));
      const res = await rpc.call<InstanceType<typeof devicePb.GetDeviceActivationResponse>>(
        'DeviceService',
        'getActivation',
        req,
        { subject: normalizeEui(devEui) },
      );
      const a = res.getDeviceActivation();
      if (!a) return null;
      return {
        dev_eui: a.getDevEui(),
        dev_addr: a.getDevAddr(),
        app_s_key: secretValue(a.getAppSKey()),
        nwk_s_enc_key: secretValue(a.getNwkSEncKey()),
        s_nwk_s_int_key: secretValue(a.getSNwkSIntKey()),
        f_nwk_s_int_key: secretValue(a.getFNwkSIntKey()),
        f_cnt_up: a.getFCntUp(),
        n_f_cnt_down: a.getNFCntDown(),
        a_f_cnt_down: a.getAFCntDown(),
      };
    },
    /** Link metrics of a device between `start` and `end`. */
    async getDeviceLinkMetrics(
      devEui: string,
      query: { start: Date | string; end: Date | string; aggregation?: Aggregation },
    ): Promise<DeviceLinkMetrics> {
      const req = new devicePb.GetDeviceLinkMetricsRequest();
      req.setDevEui(normalizeEui(devEui));
      req.setStart(toTimestamp(query.start));
      req.setEnd(toTimestamp(query.end));
      req.setAggregation(aggregationToPb(query.aggregation ?? 'hour') as never);
      const res = await rpc.call<InstanceType<typeof devicePb.GetDeviceLinkMetricsResponse>>(
        'DeviceService',
        'getLinkMetrics',
        req,
        { subject: normalizeEui(devEui) },
      );
      return {
        rx_packets: metricFromPb(res.getRxPackets()),
        gw_rssi: metricFromPb(res.getGwRssi()),
        gw_snr: metricFromPb(res.getGwSnr()),
        rx_packets_per_freq: metricFromPb(res.getRxPacketsPerFreq()),
        rx_packets_per_dr: metricFromPb(res.getRxPacketsPerDr()),
        errors: metricFromPb(res.getErrors()),
      };
    },
  };
}
