import { status } from '@grpc/grpc-js';
import { fillMap, mapToRecord, toDate, toTimestamp } from '../../chirpstack/convert.js';
import {
  applicationPb,
  commonPb,
  devicePb,
  deviceProfilePb,
  emptyPb,
  gatewayPb,
  internalPb,
  tenantPb,
} from '../../chirpstack/proto.js';
import {
  type DeviceProfileRecord,
  type DeviceRecord,
  type FakeChirpStackState,
  type GatewayRecord,
  newUuid,
  pageOf,
} from './store.js';

// Handlers of the fake server, one function per RPC, working on plain records. They return the
// response message or throw a `FakeRpcError`; server.ts adds auth, faults, latency and counters.

/** An error a handler throws: becomes the gRPC status of the call. */
export class FakeRpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: jspb requests arrive untyped from grpc-js
type Req = any;
/** One RPC handler. */
export type Handler = (request: Req) => unknown;

const ts = (d: Date | null) => (d ? toTimestamp(d) : undefined);
const notFound = (what: string) => new FakeRpcError(status.NOT_FOUND, `Object does not exist (${what})`);
const EUI = /^[0-9a-f]{16}$/;

function need<T>(map: Map<string, T>, id: string, what: string): T {
  const v = map.get(id);
  if (!v) throw notFound(`${what} ${id}`);
  return v;
}

/** Gateway state from last seen: offline past 2 × stats interval (ChirpStack's rule). */
export function gatewayState(g: GatewayRecord, now: Date): number {
  if (!g.last_seen_at) return 0;
  return now.getTime() - g.last_seen_at.getTime() <= 2 * g.stats_interval * 1000 ? 1 : 2;
}

function deviceStatusPb(d: DeviceRecord) {
  if (!d.status) return undefined;
  const s = new devicePb.DeviceStatus();
  s.setMargin(d.status.margin);
  s.setExternalPowerSource(d.status.external_power_source);
  s.setBatteryLevel(d.status.battery_level);
  return s;
}

function profileToPb(p: DeviceProfileRecord) {
  const m = new deviceProfilePb.DeviceProfile();
  m.setId(p.id);
  m.setTenantId(p.tenant_id);
  m.setName(p.name);
  m.setDescription(p.description);
  m.setRegion(p.region as never);
  m.setRegionConfigId(p.region_config_id);
  m.setMacVersion(p.mac_version as never);
  m.setRegParamsRevision(p.reg_params_revision as never);
  m.setSupportsOtaa(p.supports_otaa);
  m.setUplinkInterval(p.uplink_interval);
  m.setAdrAlgorithmId(p.adr_algorithm_id);
  m.setPayloadCodecRuntime(p.payload_codec_runtime as never);
  m.setPayloadCodecScript(p.payload_codec_script);
  fillMap(m.getTagsMap(), p.tags);
  return m;
}

/** Builds every handler over `state`; `now` is the fake's clock. */
export function buildHandlers(
  state: FakeChirpStackState,
  now: () => Date,
): Record<string, Record<string, Handler>> {
  const touch = () => now();

  const TenantService: Record<string, Handler> = {
    create(req) {
      const t = req.getTenant();
      if (!t?.getName()) throw new FakeRpcError(status.INVALID_ARGUMENT, 'name is required');
      const id = newUuid();
      state.tenants.set(id, {
        id,
        name: t.getName(),
        description: t.getDescription(),
        can_have_gateways: t.getCanHaveGateways(),
        max_device_count: t.getMaxDeviceCount(),
        max_gateway_count: t.getMaxGatewayCount(),
        tags: mapToRecord(t.getTagsMap()),
        created_at: touch(),
        updated_at: touch(),
      });
      const res = new tenantPb.CreateTenantResponse();
      res.setId(id);
      return res;
    },
    get(req) {
      const r = need(state.tenants, req.getId(), 'tenant');
      const t = new tenantPb.Tenant();
      t.setId(r.id);
      t.setName(r.name);
      t.setDescription(r.description);
      t.setCanHaveGateways(r.can_have_gateways);
      t.setMaxDeviceCount(r.max_device_count);
      t.setMaxGatewayCount(r.max_gateway_count);
      fillMap(t.getTagsMap(), r.tags);
      const res = new tenantPb.GetTenantResponse();
      res.setTenant(t);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req) {
      const t = req.getTenant();
      const r = need(state.tenants, t.getId(), 'tenant');
      Object.assign(r, {
        name: t.getName(),
        description: t.getDescription(),
        can_have_gateways: t.getCanHaveGateways(),
        max_device_count: t.getMaxDeviceCount(),
        max_gateway_count: t.getMaxGatewayCount(),
        tags: mapToRecord(t.getTagsMap()),
        updated_at: touch(),
      });
      return new emptyPb.Empty();
    },
    delete(req) {
      need(state.tenants, req.getId(), 'tenant');
      state.tenants.delete(req.getId());
      return new emptyPb.Empty();
    },
    list(req) {
      const search = req.getSearch() as string;
      const items = [...state.tenants.values()].filter((t) => !search || t.name.includes(search));
      const { total, page } = pageOf(items, (t) => t.id, req.getLimit(), req.getOffset());
      const res = new tenantPb.ListTenantsResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const t = new tenantPb.TenantListItem();
          t.setId(r.id);
          t.setName(r.name);
          t.setCanHaveGateways(r.can_have_gateways);
          t.setMaxDeviceCount(r.max_device_count);
          t.setMaxGatewayCount(r.max_gateway_count);
          t.setCreatedAt(ts(r.created_at));
          t.setUpdatedAt(ts(r.updated_at));
          return t;
        }),
      );
      return res;
    },
  };

  const ApplicationService: Record<string, Handler> = {
    create(req) {
      const a = req.getApplication();
      need(state.tenants, a.getTenantId(), 'tenant');
      if (!a.getName()) throw new FakeRpcError(status.INVALID_ARGUMENT, 'name is required');
      const id = newUuid();
      state.applications.set(id, {
        id,
        tenant_id: a.getTenantId(),
        name: a.getName(),
        description: a.getDescription(),
        tags: mapToRecord(a.getTagsMap()),
        created_at: touch(),
        updated_at: touch(),
      });
      const res = new applicationPb.CreateApplicationResponse();
      res.setId(id);
      return res;
    },
    get(req) {
      const r = need(state.applications, req.getId(), 'application');
      const a = new applicationPb.Application();
      a.setId(r.id);
      a.setTenantId(r.tenant_id);
      a.setName(r.name);
      a.setDescription(r.description);
      fillMap(a.getTagsMap(), r.tags);
      const res = new applicationPb.GetApplicationResponse();
      res.setApplication(a);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req) {
      const a = req.getApplication();
      const r = need(state.applications, a.getId(), 'application');
      Object.assign(r, {
        name: a.getName(),
        description: a.getDescription(),
        tags: mapToRecord(a.getTagsMap()),
        updated_at: touch(),
      });
      return new emptyPb.Empty();
    },
    delete(req) {
      need(state.applications, req.getId(), 'application');
      state.applications.delete(req.getId());
      for (const [eui, d] of state.devices) if (d.application_id === req.getId()) state.devices.delete(eui);
      return new emptyPb.Empty();
    },
    list(req) {
      const search = req.getSearch() as string;
      const items = [...state.applications.values()].filter(
        (a) => a.tenant_id === req.getTenantId() && (!search || a.name.includes(search)),
      );
      const { total, page } = pageOf(items, (a) => a.id, req.getLimit(), req.getOffset());
      const res = new applicationPb.ListApplicationsResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const a = new applicationPb.ApplicationListItem();
          a.setId(r.id);
          a.setName(r.name);
          a.setDescription(r.description);
          a.setCreatedAt(ts(r.created_at));
          a.setUpdatedAt(ts(r.updated_at));
          return a;
        }),
      );
      return res;
    },
  };

  function profileFields(p: Req) {
    return {
      name: p.getName() as string,
      description: p.getDescription() as string,
      region: p.getRegion() as number,
      region_config_id: p.getRegionConfigId() as string,
      mac_version: p.getMacVersion() as number,
      reg_params_revision: p.getRegParamsRevision() as number,
      supports_otaa: p.getSupportsOtaa() as boolean,
      uplink_interval: p.getUplinkInterval() as number,
      adr_algorithm_id: p.getAdrAlgorithmId() as string,
      payload_codec_runtime: p.getPayloadCodecRuntime() as number,
      payload_codec_script: p.getPayloadCodecScript() as string,
      tags: mapToRecord(p.getTagsMap()),
    };
  }

  const DeviceProfileService: Record<string, Handler> = {
    create(req) {
      const p = req.getDeviceProfile();
      need(state.tenants, p.getTenantId(), 'tenant');
      if (!p.getName()) throw new FakeRpcError(status.INVALID_ARGUMENT, 'name is required');
      const id = newUuid();
      state.deviceProfiles.set(id, {
        id,
        tenant_id: p.getTenantId(),
        ...profileFields(p),
        created_at: touch(),
        updated_at: touch(),
      });
      const res = new deviceProfilePb.CreateDeviceProfileResponse();
      res.setId(id);
      return res;
    },
    get(req) {
      const r = need(state.deviceProfiles, req.getId(), 'device profile');
      const res = new deviceProfilePb.GetDeviceProfileResponse();
      res.setDeviceProfile(profileToPb(r));
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      return res;
    },
    update(req) {
      const p = req.getDeviceProfile();
      const r = need(state.deviceProfiles, p.getId(), 'device profile');
      Object.assign(r, profileFields(p), { updated_at: touch() });
      return new emptyPb.Empty();
    },
    delete(req) {
      need(state.deviceProfiles, req.getId(), 'device profile');
      for (const d of state.devices.values())
        if (d.device_profile_id === req.getId())
          throw new FakeRpcError(status.FAILED_PRECONDITION, 'device profile is in use');
      state.deviceProfiles.delete(req.getId());
      return new emptyPb.Empty();
    },
    list(req) {
      const search = req.getSearch() as string;
      const items = [...state.deviceProfiles.values()].filter(
        (p) => p.tenant_id === req.getTenantId() && (!search || p.name.includes(search)),
      );
      const { total, page } = pageOf(items, (p) => p.id, req.getLimit(), req.getOffset());
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

  function deviceFields(d: Req) {
    const devEui = d.getDevEui() as string;
    if (!EUI.test(devEui)) throw new FakeRpcError(status.INVALID_ARGUMENT, `invalid dev_eui ${devEui}`);
    need(state.applications, d.getApplicationId(), 'application');
    need(state.deviceProfiles, d.getDeviceProfileId(), 'device profile');
    if (!d.getName()) throw new FakeRpcError(status.INVALID_ARGUMENT, 'name is required');
    return {
      dev_eui: devEui,
      name: d.getName() as string,
      description: d.getDescription() as string,
      application_id: d.getApplicationId() as string,
      device_profile_id: d.getDeviceProfileId() as string,
      join_eui: d.getJoinEui() as string,
      is_disabled: d.getIsDisabled() as boolean,
      skip_fcnt_check: d.getSkipFcntCheck() as boolean,
      tags: mapToRecord(d.getTagsMap()),
      variables: mapToRecord(d.getVariablesMap()),
    };
  }

  function keysOf(req: Req) {
    const k = req.getDeviceKeys();
    const d = need(state.devices, k.getDevEui(), 'device');
    if (!/^[0-9a-f]{32}$/.test(k.getNwkKey()))
      // Echoes the value, as a careless server might: the client must keep it out of its errors.
      throw new FakeRpcError(
        status.INVALID_ARGUMENT,
        `invalid nwk_key ${k.getNwkKey()}: expected 32 hex digits`,
      );
    return { d, keys: { nwk_key: k.getNwkKey(), app_key: k.getAppKey(), gen_app_key: k.getGenAppKey() } };
  }

  const DeviceService: Record<string, Handler> = {
    create(req) {
      const fields = deviceFields(req.getDevice());
      if (state.devices.has(fields.dev_eui))
        throw new FakeRpcError(status.ALREADY_EXISTS, `Object already exists (device ${fields.dev_eui})`);
      state.devices.set(fields.dev_eui, {
        ...fields,
        keys: null,
        activation: null,
        last_seen_at: null,
        status: null,
        created_at: touch(),
        updated_at: touch(),
      });
      return new emptyPb.Empty();
    },
    get(req) {
      const r = need(state.devices, req.getDevEui(), 'device');
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
      res.setDeviceStatus(deviceStatusPb(r));
      return res;
    },
    update(req) {
      const fields = deviceFields(req.getDevice());
      const r = need(state.devices, fields.dev_eui, 'device');
      const from = state.applications.get(r.application_id);
      const to = state.applications.get(fields.application_id);
      if (from && to && from.tenant_id !== to.tenant_id)
        throw new FakeRpcError(
          status.INVALID_ARGUMENT,
          'devices move only between applications of one tenant',
        );
      Object.assign(r, fields, { updated_at: touch() });
      return new emptyPb.Empty();
    },
    delete(req) {
      need(state.devices, req.getDevEui(), 'device');
      state.devices.delete(req.getDevEui());
      return new emptyPb.Empty();
    },
    list(req) {
      const appId = req.getApplicationId() as string;
      const search = (req.getSearch() as string).toLowerCase();
      const profile = req.getDeviceProfileId() as string;
      const tags = mapToRecord(req.getTagsMap());
      const items = [...state.devices.values()].filter(
        (d) =>
          (!appId || d.application_id === appId) &&
          (!profile || d.device_profile_id === profile) &&
          (!search || d.name.toLowerCase().includes(search) || d.dev_eui.includes(search)) &&
          Object.entries(tags).every(([k, v]) => d.tags[k] === v),
      );
      const { total, page } = pageOf(items, (d) => d.dev_eui, req.getLimit(), req.getOffset());
      const res = new devicePb.ListDevicesResponse();
      res.setTotalCount(total);
      res.setResultList(
        page.map((r) => {
          const d = new devicePb.DeviceListItem();
          d.setDevEui(r.dev_eui);
          d.setName(r.name);
          d.setDescription(r.description);
          d.setDeviceProfileId(r.device_profile_id);
          d.setDeviceProfileName(state.deviceProfiles.get(r.device_profile_id)?.name ?? '');
          d.setLastSeenAt(ts(r.last_seen_at));
          d.setDeviceStatus(deviceStatusPb(r));
          d.setCreatedAt(ts(r.created_at));
          d.setUpdatedAt(ts(r.updated_at));
          fillMap(d.getTagsMap(), r.tags);
          return d;
        }),
      );
      return res;
    },
    createKeys(req) {
      const { d, keys } = keysOf(req);
      if (d.keys) throw new FakeRpcError(status.ALREADY_EXISTS, `Object already exists (keys ${d.dev_eui})`);
      d.keys = keys;
      return new emptyPb.Empty();
    },
    updateKeys(req) {
      const { d, keys } = keysOf(req);
      if (!d.keys) throw notFound(`keys ${d.dev_eui}`);
      d.keys = keys;
      return new emptyPb.Empty();
    },
    getKeys(req) {
      const d = need(state.devices, req.getDevEui(), 'device');
      if (!d.keys) throw notFound(`keys ${d.dev_eui}`);
      const k = new devicePb.DeviceKeys();
      k.setDevEui(d.dev_eui);
      k.setNwkKey(d.keys.nwk_key);
      k.setAppKey(d.keys.app_key);
      k.setGenAppKey(d.keys.gen_app_key);
      const res = new devicePb.GetDeviceKeysResponse();
      res.setDeviceKeys(k);
      return res;
    },
    deleteKeys(req) {
      const d = need(state.devices, req.getDevEui(), 'device');
      if (!d.keys) throw notFound(`keys ${d.dev_eui}`);
      d.keys = null;
      return new emptyPb.Empty();
    },
    activate(req) {
      const a = req.getDeviceActivation();
      const d = need(state.devices, a.getDevEui(), 'device');
      d.activation = {
        dev_addr: a.getDevAddr(),
        app_s_key: a.getAppSKey(),
        nwk_s_enc_key: a.getNwkSEncKey(),
        s_nwk_s_int_key: a.getSNwkSIntKey(),
        f_nwk_s_int_key: a.getFNwkSIntKey(),
        f_cnt_up: a.getFCntUp(),
        n_f_cnt_down: a.getNFCntDown(),
        a_f_cnt_down: a.getAFCntDown(),
      };
      return new emptyPb.Empty();
    },
    deactivate(req) {
      need(state.devices, req.getDevEui(), 'device').activation = null;
      return new emptyPb.Empty();
    },
    getActivation(req) {
      const d = need(state.devices, req.getDevEui(), 'device');
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
    getLinkMetrics(req) {
      const d = need(state.devices, req.getDevEui(), 'device');
      const start = toDate(req.getStart()) ?? now();
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
    },
  };

  function gatewayFields(g: Req) {
    const id = g.getGatewayId() as string;
    if (!EUI.test(id)) throw new FakeRpcError(status.INVALID_ARGUMENT, `invalid gateway_id ${id}`);
    need(state.tenants, g.getTenantId(), 'tenant');
    const l = g.getLocation();
    return {
      gateway_id: id,
      tenant_id: g.getTenantId() as string,
      name: g.getName() as string,
      description: g.getDescription() as string,
      location: l
        ? { latitude: l.getLatitude(), longitude: l.getLongitude(), altitude: l.getAltitude() }
        : null,
      stats_interval: (g.getStatsInterval() as number) || 30,
      tags: mapToRecord(g.getTagsMap()),
      metadata: mapToRecord(g.getMetadataMap()),
    };
  }

  function locationPb(r: GatewayRecord) {
    if (!r.location) return undefined;
    const l = new commonPb.Location();
    l.setLatitude(r.location.latitude);
    l.setLongitude(r.location.longitude);
    l.setAltitude(r.location.altitude);
    return l;
  }

  const GatewayService: Record<string, Handler> = {
    create(req) {
      const fields = gatewayFields(req.getGateway());
      if (state.gateways.has(fields.gateway_id))
        throw new FakeRpcError(status.ALREADY_EXISTS, `Object already exists (gateway ${fields.gateway_id})`);
      state.gateways.set(fields.gateway_id, {
        ...fields,
        last_seen_at: null,
        created_at: touch(),
        updated_at: touch(),
      });
      return new emptyPb.Empty();
    },
    get(req) {
      const r = need(state.gateways, req.getGatewayId(), 'gateway');
      const g = new gatewayPb.Gateway();
      g.setGatewayId(r.gateway_id);
      g.setTenantId(r.tenant_id);
      g.setName(r.name);
      g.setDescription(r.description);
      g.setLocation(locationPb(r));
      g.setStatsInterval(r.stats_interval);
      fillMap(g.getTagsMap(), r.tags);
      fillMap(g.getMetadataMap(), r.metadata);
      const res = new gatewayPb.GetGatewayResponse();
      res.setGateway(g);
      res.setCreatedAt(ts(r.created_at));
      res.setUpdatedAt(ts(r.updated_at));
      res.setLastSeenAt(ts(r.last_seen_at));
      return res;
    },
    update(req) {
      const fields = gatewayFields(req.getGateway());
      const r = need(state.gateways, fields.gateway_id, 'gateway');
      Object.assign(r, fields, { updated_at: touch() });
      return new emptyPb.Empty();
    },
    delete(req) {
      need(state.gateways, req.getGatewayId(), 'gateway');
      state.gateways.delete(req.getGatewayId());
      return new emptyPb.Empty();
    },
    list(req) {
      const tenant = req.getTenantId() as string;
      const search = req.getSearch() as string;
      const items = [...state.gateways.values()].filter(
        (g) => (!tenant || g.tenant_id === tenant) && (!search || g.name.includes(search)),
      );
      const { total, page } = pageOf(items, (g) => g.gateway_id, req.getLimit(), req.getOffset());
      const res = new gatewayPb.ListGatewaysResponse();
      res.setTotalCount(total);
      const at = now();
      res.setResultList(
        page.map((r) => {
          const g = new gatewayPb.GatewayListItem();
          g.setGatewayId(r.gateway_id);
          g.setTenantId(r.tenant_id);
          g.setName(r.name);
          g.setDescription(r.description);
          g.setLocation(locationPb(r));
          g.setState(gatewayState(r, at) as never);
          g.setLastSeenAt(ts(r.last_seen_at));
          g.setCreatedAt(ts(r.created_at));
          g.setUpdatedAt(ts(r.updated_at));
          return g;
        }),
      );
      return res;
    },
  };

  const InternalService: Record<string, Handler> = {
    getVersion() {
      const res = new internalPb.GetVersionResponse();
      res.setVersion('4.19.0-fake');
      return res;
    },
    getDevicesSummary(req) {
      const tenant = req.getTenantId() as string;
      const at = now().getTime();
      let active = 0;
      let inactive = 0;
      let never = 0;
      for (const d of state.devices.values()) {
        if (tenant && state.applications.get(d.application_id)?.tenant_id !== tenant) continue;
        const interval = state.deviceProfiles.get(d.device_profile_id)?.uplink_interval ?? 3600;
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
    getGatewaysSummary(req) {
      const tenant = req.getTenantId() as string;
      const at = now();
      const counts = [0, 0, 0];
      for (const g of state.gateways.values()) {
        if (tenant && g.tenant_id !== tenant) continue;
        const s = gatewayState(g, at);
        counts[s] = (counts[s] ?? 0) + 1;
      }
      const res = new internalPb.GetGatewaysSummaryResponse();
      res.setNeverSeenCount(counts[0]!);
      res.setOnlineCount(counts[1]!);
      res.setOfflineCount(counts[2]!);
      return res;
    },
  };

  return {
    TenantService,
    ApplicationService,
    DeviceProfileService,
    DeviceService,
    GatewayService,
    InternalService,
  };
}
