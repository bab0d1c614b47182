import { fillMap, mapToRecord, toDate, toTimestamp } from '../../chirpstack/convert.js';
import { GrpcStatus as status } from '../../chirpstack/grpc-status.js';
import { commonPb, devicePb, emptyPb } from '../../chirpstack/proto.js';
import { checkOwned, checkProfile } from './auth.js';
import {
  duplicateKey,
  FakeRpcError,
  foreignKey,
  notAllowed,
  notFound,
  parseEui,
  parseKey,
  parseUuid,
  recordNotFound,
  validation,
} from './errors.js';
import { type CallContext, type Req, type ServiceHandlers, ts } from './handler.js';
import { ilike, pageByKey, pageByName } from './list.js';
import type { DeviceRecord } from './store.js';

// DeviceService of ChirpStack v4.19.0 (chirpstack/src/api/device.rs, storage/device.rs,
// storage/device_keys.rs).

const tenantOfApp = (ctx: CallContext, appId: string) => ctx.state.applications.get(appId)?.tenant_id;
const tenantOfDevice = (ctx: CallContext, d: DeviceRecord | undefined) =>
  d ? tenantOfApp(ctx, d.application_id) : undefined;

function get(ctx: CallContext, eui: string, access: 'read' | 'write'): DeviceRecord {
  const d = ctx.state.devices.get(eui);
  checkOwned(ctx.key, access, tenantOfDevice(ctx, d)); // ValidateDeviceAccess (validator.rs:1614-1655)
  if (!d) throw notFound(eui);
  return d;
}

/** What Create and Update read from the request (api/device.rs:48-76, :155-203). */
function parse(d: Req) {
  return {
    dev_eui: parseEui(d.getDevEui()),
    application_id: parseUuid(d.getApplicationId()),
    device_profile_id: parseUuid(d.getDeviceProfileId()),
    join_eui: d.getJoinEui() ? parseEui(d.getJoinEui()) : '0000000000000000',
    name: d.getName() as string,
    description: d.getDescription() as string,
    is_disabled: d.getIsDisabled() as boolean,
    skip_fcnt_check: d.getSkipFcntCheck() as boolean,
    tags: mapToRecord(d.getTagsMap()),
    variables: mapToRecord(d.getVariablesMap()),
  };
}

function statusPb(d: DeviceRecord) {
  if (!d.status) return undefined;
  const s = new devicePb.DeviceStatus();
  s.setMargin(d.status.margin);
  s.setExternalPowerSource(d.status.external_power_source);
  s.setBatteryLevel(d.status.battery_level);
  return s;
}

function create(req: Req, ctx: CallContext) {
  const f = parse(req.getDevice());
  // ValidateDevicesAccess Create (validator.rs:1500-1511): the application must be in the key's tenant.
  checkOwned(ctx.key, 'write', tenantOfApp(ctx, f.application_id));
  // storage/device.rs:253-288: no name validation on create; the tenant is found through the
  // application (`?` on a missing row: INTERNAL "Record not found"), its device limit checked,
  // then the insert (primary key, then foreign keys).
  const tenant = ctx.state.tenants.get(tenantOfApp(ctx, f.application_id) ?? '');
  if (!tenant) throw recordNotFound();
  if (tenant.max_device_count !== 0) {
    let count = 0;
    for (const d of ctx.state.devices.values())
      if (tenantOfApp(ctx, d.application_id) === tenant.id) count += 1;
    if (count >= tenant.max_device_count) throw notAllowed('Max number of devices exceeded for tenant');
  }
  if (ctx.state.devices.has(f.dev_eui)) throw duplicateKey('device_pkey');
  if (!ctx.state.deviceProfiles.has(f.device_profile_id))
    throw foreignKey('device', 'device_device_profile_id_fkey');
  ctx.state.devices.set(f.dev_eui, {
    ...f,
    keys: null,
    activation: null,
    last_seen_at: null,
    status: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  return new emptyPb.Empty();
}

function update(req: Req, ctx: CallContext) {
  const f = parse(req.getDevice());
  const r = get(ctx, f.dev_eui, 'write');
  // api/device.rs:174-188: read access to the target application and profile (an admin key may
  // move a device to any application, of any tenant).
  checkOwned(ctx.key, 'read', tenantOfApp(ctx, f.application_id));
  checkProfile(ctx.key, 'read', ctx.state.deviceProfiles.get(f.device_profile_id)?.tenant_id);
  if (!f.name) throw validation('name is not set'); // storage/device.rs:143-146, :584
  if (!ctx.state.applications.has(f.application_id)) throw foreignKey('device', 'device_application_id_fkey');
  if (!ctx.state.deviceProfiles.has(f.device_profile_id))
    throw foreignKey('device', 'device_device_profile_id_fkey');
  Object.assign(r, f, { updated_at: ctx.now });
  return new emptyPb.Empty();
}

function list(req: Req, ctx: CallContext) {
  // api/device.rs:246: the application id is required (an empty one is a uuid error).
  const appId = parseUuid(req.getApplicationId());
  checkOwned(ctx.key, 'read', tenantOfApp(ctx, appId)); // ValidateDevicesAccess List (validator.rs:1515-1527)
  const search = req.getSearch() as string;
  const profile = req.getDeviceProfileId() as string;
  const tags = mapToRecord(req.getTagsMap());
  const items = [...ctx.state.devices.values()].filter(
    (d) =>
      d.application_id === appId &&
      (!profile || d.device_profile_id === profile) &&
      ilike(d.name, search) && // storage/device.rs:719: the name only
      Object.entries(tags).every(([k, v]) => d.tags[k] === v),
  );
  const byEui = req.getOrderBy() === devicePb.ListDevicesRequest.OrderBy.DEV_EUI;
  const { total, page } = byEui
    ? pageByKey(items, (d) => d.dev_eui, req.getLimit(), req.getOffset(), req.getOrderByDesc())
    : pageByName(items, (d) => d.dev_eui, req.getLimit(), req.getOffset());
  const res = new devicePb.ListDevicesResponse();
  res.setTotalCount(total);
  res.setResultList(
    page.map((r) => {
      const d = new devicePb.DeviceListItem();
      d.setDevEui(r.dev_eui);
      d.setName(r.name);
      d.setDescription(r.description);
      d.setDeviceProfileId(r.device_profile_id);
      d.setDeviceProfileName(ctx.state.deviceProfiles.get(r.device_profile_id)?.name ?? '');
      d.setLastSeenAt(ts(r.last_seen_at));
      d.setDeviceStatus(statusPb(r));
      d.setCreatedAt(ts(r.created_at));
      d.setUpdatedAt(ts(r.updated_at));
      fillMap(d.getTagsMap(), r.tags);
      return d;
    }),
  );
  return res;
}

function keysOf(req: Req, ctx: CallContext) {
  const k = req.getDeviceKeys();
  const d = get(ctx, parseEui(k.getDevEui()), 'write');
  return {
    d,
    keys: {
      nwk_key: parseKey(k.getNwkKey()),
      app_key: k.getAppKey() ? parseKey(k.getAppKey()) : '',
      gen_app_key: k.getGenAppKey() ? parseKey(k.getGenAppKey()) : '',
    },
  };
}

function getDetails(req: Req, ctx: CallContext) {
  const r = get(ctx, parseEui(req.getDevEui()), 'read');
  const d = new devicePb.Device();
  d.setDevEui(r.dev_eui);
  d.setName(r.name);
  d.setDescription(r.description);
  d.setApplicationId(r.application_id);
  d.setDeviceProfileId(r.device_profile_id);
  d.setJoinEui(r.join_eui);
  d.setIsDisabled(r.is_disabled);
  d.setSkipFcntCheck(r.skip_fcnt_check);
  fillMap(d.getTagsMap(), r.tags);
  fillMap(d.getVariablesMap(), r.variables);
  const res = new devicePb.GetDeviceResponse();
  res.setDevice(d);
  res.setCreatedAt(ts(r.created_at));
  res.setUpdatedAt(ts(r.updated_at));
  res.setLastSeenAt(ts(r.last_seen_at));
  res.setDeviceStatus(statusPb(r));
  return res;
}

function linkMetrics(req: Req, ctx: CallContext) {
  const d = get(ctx, parseEui(req.getDevEui()), 'read');
  const start = toDate(req.getStart()) ?? ctx.now;
  const metric = (name: string, label: string, value: number) => {
    const m = new commonPb.Metric();
    m.setName(name);
    m.setKind(2 as never);
    m.setTimestampsList([toTimestamp(start)]);
    const ds = new commonPb.MetricDataset();
    ds.setLabel(label);
    ds.setDataList([value]);
    m.setDatasetsList([ds]);
    return m;
  };
  const res = new devicePb.GetDeviceLinkMetricsResponse();
  const seen = d.last_seen_at ? 1 : 0;
  res.setRxPackets(metric('rx_packets', 'rx_count', seen));
  res.setGwRssi(metric('gw_rssi', 'rssi', seen ? -90 : 0));
  res.setGwSnr(metric('gw_snr', 'snr', seen ? 7.5 : 0));
  return res;
}

/** The DeviceService handlers. */
export function deviceService(): ServiceHandlers {
  return {
    create,
    get: getDetails,
    update,
    delete(req, ctx) {
      const eui = parseEui(req.getDevEui());
      get(ctx, eui, 'write');
      ctx.state.devices.delete(eui);
      return new emptyPb.Empty();
    },
    list,
    createKeys(req, ctx) {
      const { d, keys } = keysOf(req, ctx);
      if (d.keys) throw duplicateKey('device_keys_pkey'); // storage/device_keys.rs:43-48
      d.keys = keys;
      return new emptyPb.Empty();
    },
    updateKeys(req, ctx) {
      const { d, keys } = keysOf(req, ctx);
      if (!d.keys) throw notFound(d.dev_eui); // storage/device_keys.rs:65-70
      d.keys = keys;
      return new emptyPb.Empty();
    },
    getKeys(req, ctx) {
      const d = get(ctx, parseEui(req.getDevEui()), 'read');
      if (!d.keys) throw notFound(d.dev_eui);
      const k = new devicePb.DeviceKeys();
      k.setDevEui(d.dev_eui);
      k.setNwkKey(d.keys.nwk_key);
      k.setAppKey(d.keys.app_key);
      k.setGenAppKey(d.keys.gen_app_key);
      const res = new devicePb.GetDeviceKeysResponse();
      res.setDeviceKeys(k);
      return res;
    },
    deleteKeys(req, ctx) {
      const d = get(ctx, parseEui(req.getDevEui()), 'write');
      if (!d.keys) throw notFound(d.dev_eui);
      d.keys = null;
      return new emptyPb.Empty();
    },
    activate(req, ctx) {
      const a = req.getDeviceActivation();
      const d = get(ctx, parseEui(a.getDevEui()), 'write');
      if (!/^[0-9a-f]{8}$/i.test(a.getDevAddr()))
        throw new FakeRpcError(status.INTERNAL, 'Invalid string length');
      d.activation = {
        dev_addr: a.getDevAddr(),
        app_s_key: parseKey(a.getAppSKey()),
        nwk_s_enc_key: parseKey(a.getNwkSEncKey()),
        s_nwk_s_int_key: parseKey(a.getSNwkSIntKey()),
        f_nwk_s_int_key: parseKey(a.getFNwkSIntKey()),
        f_cnt_up: a.getFCntUp(),
        n_f_cnt_down: a.getNFCntDown(),
        a_f_cnt_down: a.getAFCntDown(),
      };
      return new emptyPb.Empty();
    },
    deactivate(req, ctx) {
      get(ctx, parseEui(req.getDevEui()), 'write').activation = null;
      return new emptyPb.Empty();
    },
    getActivation(req, ctx) {
      const d = get(ctx, parseEui(req.getDevEui()), 'read');
      const res = new devicePb.GetDeviceActivationResponse();
      if (d.activation) {
        const a = new devicePb.DeviceActivation();
        a.setDevEui(d.dev_eui);
        a.setDevAddr(d.activation.dev_addr);
        a.setAppSKey(d.activation.app_s_key);
        a.setNwkSEncKey(d.activation.nwk_s_enc_key);
        a.setSNwkSIntKey(d.activation.s_nwk_s_int_key);
        a.setFNwkSIntKey(d.activation.f_nwk_s_int_key);
        a.setFCntUp(d.activation.f_cnt_up);
        a.setNFCntDown(d.activation.n_f_cnt_down);
        a.setAFCntDown(d.activation.a_f_cnt_down);
        res.setDeviceActivation(a);
      }
      return res;
    },
    getLinkMetrics: linkMetrics,
  };
}
