import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRpcCaller,
  type PbMessage,
  type RpcCaller,
  type ServiceName,
} from '../../src/chirpstack/client.js';
import {
  applicationPb,
  commonPb,
  devicePb,
  deviceProfilePb,
  emptyPb,
  gatewayPb,
  tenantPb,
} from '../../src/chirpstack/proto.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';

// One test per rule of ChirpStack v4.19.0 the fake follows; each name cites the server's source
// (github.com/chirpstack/chirpstack at tag v4.19.0, paths under chirpstack/src unless said) so a
// reviewer can check it. The calls go through a bare RPC caller, not the typed client, so the
// client's own checks do not hide what the server answers.

let fake: FakeChirpStack;
const callers: RpcCaller[] = [];

beforeEach(async () => {
  fake = await startFakeChirpStack();
});
afterEach(async () => {
  for (const c of callers.splice(0)) c.close();
  await fake.stop();
});

interface Answer {
  code: number;
  details: string;
}

function rpc(token = fake.apiToken) {
  const caller = createRpcCaller({ target: fake.target, apiToken: token, retry: { attempts: 1 } });
  callers.push(caller);
  return async <T = unknown>(service: ServiceName, method: string, req: PbMessage): Promise<T | Answer> => {
    try {
      return (await caller.call(service, method, req)) as T;
    } catch (error) {
      const cause = (error as { cause?: { code: number; details: string } }).cause;
      return { code: cause?.code ?? -1, details: cause?.details ?? '' };
    }
  };
}
const OK = (a: unknown) => expect((a as Answer).code).toBeUndefined();

async function tenant(call = rpc(), fields: (t: InstanceType<typeof tenantPb.Tenant>) => void = () => {}) {
  const t = new tenantPb.Tenant();
  t.setName(`t-${Math.random()}`);
  t.setCanHaveGateways(true);
  fields(t);
  const req = new tenantPb.CreateTenantRequest();
  req.setTenant(t);
  const res = await call<InstanceType<typeof tenantPb.CreateTenantResponse>>('TenantService', 'create', req);
  return (res as InstanceType<typeof tenantPb.CreateTenantResponse>).getId();
}
async function application(tenantId: string, call = rpc(), name = 'app') {
  const a = new applicationPb.Application();
  a.setTenantId(tenantId);
  a.setName(name);
  const req = new applicationPb.CreateApplicationRequest();
  req.setApplication(a);
  const res = await call<InstanceType<typeof applicationPb.CreateApplicationResponse>>(
    'ApplicationService',
    'create',
    req,
  );
  return (res as InstanceType<typeof applicationPb.CreateApplicationResponse>).getId();
}
function profileMsg(tenantId: string, name = 'p') {
  const p = new deviceProfilePb.DeviceProfile();
  p.setTenantId(tenantId);
  p.setName(name);
  p.setSupportsOtaa(true);
  p.setUplinkInterval(600);
  return p;
}
async function profile(
  tenantId: string,
  call = rpc(),
  edit: (p: InstanceType<typeof deviceProfilePb.DeviceProfile>) => void = () => {},
) {
  const p = profileMsg(tenantId);
  edit(p);
  const req = new deviceProfilePb.CreateDeviceProfileRequest();
  req.setDeviceProfile(p);
  const res = await call<InstanceType<typeof deviceProfilePb.CreateDeviceProfileResponse>>(
    'DeviceProfileService',
    'create',
    req,
  );
  return (res as InstanceType<typeof deviceProfilePb.CreateDeviceProfileResponse>).getId();
}
function deviceReq(eui: string, appId: string, profileId: string, name = 'd') {
  const d = new devicePb.Device();
  d.setDevEui(eui);
  d.setName(name);
  d.setApplicationId(appId);
  d.setDeviceProfileId(profileId);
  const req = new devicePb.CreateDeviceRequest();
  req.setDevice(d);
  return req;
}
function gatewayMsg(id: string, tenantId: string, priority = 10) {
  const g = new gatewayPb.Gateway();
  g.setGatewayId(id);
  g.setTenantId(tenantId);
  g.setName('gw');
  g.setStatsInterval(30);
  g.setDownlinkPriority(priority);
  return g;
}
function gatewayCreate(g: InstanceType<typeof gatewayPb.Gateway>) {
  const req = new gatewayPb.CreateGatewayRequest();
  req.setGateway(g);
  return req;
}
const getDevice = (eui: string) => {
  const r = new devicePb.GetDeviceRequest();
  r.setDevEui(eui);
  return r;
};
async function seeded(call = rpc()) {
  const t = await tenant(call);
  const app = await application(t, call);
  const p = await profile(t, call);
  return { t, app, p };
}

describe('fake ChirpStack follows v4.19.0', () => {
  it('rule 1 — storage/gateway.rs:38-48: Gateway Create and Update with downlink_priority 0 answer INVALID_ARGUMENT', async () => {
    const call = rpc();
    const t = await tenant(call);
    expect(
      await call('GatewayService', 'create', gatewayCreate(gatewayMsg('0102030405060708', t, 0))),
    ).toEqual({
      code: 3,
      details: 'Validation error: downlink_priority must be > 0',
    });
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('0102030405060708', t, 10))));
    const update = new gatewayPb.UpdateGatewayRequest();
    update.setGateway(gatewayMsg('0102030405060708', t, 0));
    expect(await call('GatewayService', 'update', update)).toMatchObject({ code: 3 });
  });

  it('rule 2 — storage/error.rs:71-76, api/error.rs:46: duplicate device EUI, gateway id and CreateKeys answer INTERNAL, never ALREADY_EXISTS', async () => {
    const call = rpc();
    const { t, app, p } = await seeded(call);
    OK(await call('DeviceService', 'create', deviceReq('0102030405060708', app, p)));
    expect(await call('DeviceService', 'create', deviceReq('0102030405060708', app, p))).toEqual({
      code: 13,
      details: 'duplicate key value violates unique constraint "device_pkey"',
    });
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', t))));
    expect(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', t)))).toEqual({
      code: 13,
      details: 'duplicate key value violates unique constraint "gateway_pkey"',
    });
    const k = new devicePb.DeviceKeys();
    k.setDevEui('0102030405060708');
    k.setNwkKey('00112233445566778899aabbccddeeff');
    const keys = new devicePb.CreateDeviceKeysRequest();
    keys.setDeviceKeys(k);
    OK(await call('DeviceService', 'createKeys', keys));
    expect(await call('DeviceService', 'createKeys', keys)).toEqual({
      code: 13,
      details: 'duplicate key value violates unique constraint "device_keys_pkey"',
    });
  });

  it('rule 3 — storage/device_profile.rs:477-497: List with a tenant id returns global profiles unless tenant_only', async () => {
    const call = rpc();
    const t = await tenant(call);
    await profile(t, call);
    fake.addGlobalDeviceProfile({ name: 'Vendor X sensor' });
    const list = async (tenantOnly: boolean) => {
      const req = new deviceProfilePb.ListDeviceProfilesRequest();
      req.setTenantId(t);
      req.setLimit(10);
      req.setTenantOnly(tenantOnly);
      const res = (await call('DeviceProfileService', 'list', req)) as InstanceType<
        typeof deviceProfilePb.ListDeviceProfilesResponse
      >;
      return res.getResultList().map((p) => p.getName());
    };
    expect((await list(false)).sort()).toEqual(['Vendor X sensor', 'p']);
    expect(await list(true)).toEqual(['p']);
  });

  it('rule 3 — migrations_postgres/00000000000000_initial/up.sql:189: deleting a profile in use succeeds and deletes its devices', async () => {
    const call = rpc();
    const { app, p } = await seeded(call);
    OK(await call('DeviceService', 'create', deviceReq('0102030405060708', app, p)));
    const del = new deviceProfilePb.DeleteDeviceProfileRequest();
    del.setId(p);
    OK(await call('DeviceProfileService', 'delete', del));
    expect(fake.state.devices.size).toBe(0);
  });

  it('rule 4 — storage/device_profile.rs:318-350: Update writes every column, so a field left out is reset', async () => {
    const call = rpc();
    const t = await tenant(call);
    const id = await profile(t, call, (p) => {
      p.setDeviceStatusReqInterval(4);
      p.setSupportsClassC(true);
      p.setClassCTimeout(5);
    });
    const update = new deviceProfilePb.UpdateDeviceProfileRequest();
    const p = profileMsg(t, 'renamed');
    p.setId(id);
    update.setDeviceProfile(p);
    OK(await call('DeviceProfileService', 'update', update));
    const get = new deviceProfilePb.GetDeviceProfileRequest();
    get.setId(id);
    const got = (
      (await call('DeviceProfileService', 'get', get)) as InstanceType<
        typeof deviceProfilePb.GetDeviceProfileResponse
      >
    ).getDeviceProfile()!;
    expect([
      got.getName(),
      got.getDeviceStatusReqInterval(),
      got.getSupportsClassC(),
      got.getClassCTimeout(),
    ]).toEqual(['renamed', 0, false, 0]);
  });

  it('rule 5 — api/gateway.rs:102-107, storage/gateway.rs:29: Get always returns a location ((0,0,0) when unset), altitude as f32', async () => {
    const call = rpc();
    const t = await tenant(call);
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', t))));
    const g = gatewayMsg('aa00000000000002', t);
    const l = new commonPb.Location();
    l.setLatitude(13.75);
    l.setLongitude(100.5);
    l.setAltitude(12.3);
    g.setLocation(l);
    OK(await call('GatewayService', 'create', gatewayCreate(g)));
    const location = async (id: string) => {
      const req = new gatewayPb.GetGatewayRequest();
      req.setGatewayId(id);
      const res = (await call('GatewayService', 'get', req)) as InstanceType<
        typeof gatewayPb.GetGatewayResponse
      >;
      return res.getGateway()!.getLocation()!.toObject();
    };
    expect(await location('aa00000000000001')).toMatchObject({ latitude: 0, longitude: 0, altitude: 0 });
    const stored = await location('aa00000000000002');
    expect(stored.altitude).not.toBe(12.3);
    expect(stored.altitude).toBe(Math.fround(12.3));
  });

  it('rule 6 — api/auth/validator.rs:430-448: ListTenants needs an admin key', async () => {
    const t = await tenant();
    const scoped = rpc(fake.createApiKey({ tenantId: t }));
    const list = new tenantPb.ListTenantsRequest();
    list.setLimit(10);
    expect(await scoped('TenantService', 'list', list)).toEqual({ code: 16, details: '' });
    const get = new tenantPb.GetTenantRequest();
    get.setId(t);
    OK(await scoped('TenantService', 'get', get)); // its own tenant: Read is allowed (validator.rs:508-514)
  });

  it('rule 6 — api/auth/validator.rs:61-67, 1614-1655: with a tenant key a missing or foreign device is UNAUTHENTICATED with an empty message', async () => {
    const admin = rpc();
    const mine = await seeded(admin);
    const theirs = await seeded(admin);
    OK(await admin('DeviceService', 'create', deviceReq('0000000000000002', theirs.app, theirs.p)));
    const scoped = rpc(fake.createApiKey({ tenantId: mine.t }));
    expect(await scoped('DeviceService', 'get', getDevice('0000000000000001'))).toEqual({
      code: 16,
      details: '',
    });
    expect(await scoped('DeviceService', 'get', getDevice('0000000000000002'))).toEqual({
      code: 16,
      details: '',
    });
    expect(await admin('DeviceService', 'get', getDevice('0000000000000001'))).toEqual({
      code: 5,
      details: 'Object does not exist (id: 0000000000000001)',
    });
    const read = rpc(fake.createApiKey({ tenantId: mine.t, readOnly: true }));
    expect(await read('DeviceService', 'create', deviceReq('0000000000000003', mine.app, mine.p))).toEqual({
      code: 16,
      details: '',
    });
  });

  it('rule 6 — api/internal.rs:969-980: GetVersion refuses API keys', async () => {
    expect(await rpc()('InternalService', 'getVersion', new emptyPb.Empty())).toEqual({
      code: 16,
      details: '',
    });
  });

  it('rule 6 — api/tenant.rs:149-161, validator.rs:516-521: Tenant Update needs an admin key and resets private gateway flags and DevAddr prefixes it is not given', async () => {
    const t = await tenant(rpc(), (x) => {
      x.setPrivateGatewaysUp(true);
      x.setDevAddrPrefixesList(['01000000/8']);
    });
    const update = new tenantPb.UpdateTenantRequest();
    const msg = new tenantPb.Tenant();
    msg.setId(t);
    msg.setName('renamed');
    update.setTenant(msg);
    expect(await rpc(fake.createApiKey({ tenantId: t }))('TenantService', 'update', update)).toEqual({
      code: 16,
      details: '',
    });
    OK(await rpc()('TenantService', 'update', update));
    expect(fake.state.tenants.get(t)).toMatchObject({ private_gateways_up: false, dev_addr_prefixes: [] });
  });

  it('rule 6 — storage/gateway.rs:246-257: Gateway Update ignores tenant_id', async () => {
    const call = rpc();
    const a = await tenant(call);
    const b = await tenant(call);
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', a))));
    const update = new gatewayPb.UpdateGatewayRequest();
    update.setGateway(gatewayMsg('aa00000000000001', b));
    OK(await call('GatewayService', 'update', update));
    expect(fake.state.gateways.get('aa00000000000001')?.tenant_id).toBe(a);
  });

  it('rule 7 — storage/device.rs:769-770: lists order by name only, so offset paging over equal names is unstable', async () => {
    const call = rpc();
    const { app, p } = await seeded(call);
    const euis = Array.from({ length: 20 }, (_, i) => (0x100 + i).toString(16).padStart(16, '0'));
    for (const e of euis) OK(await call('DeviceService', 'create', deviceReq(e, app, p, 'same')));
    const walk = async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 20; offset += 5) {
        const req = new devicePb.ListDevicesRequest();
        req.setApplicationId(app);
        req.setLimit(5);
        req.setOffset(offset);
        const res = (await call('DeviceService', 'list', req)) as InstanceType<
          typeof devicePb.ListDevicesResponse
        >;
        seen.push(...res.getResultList().map((d) => d.getDevEui()));
      }
      return new Set(seen).size;
    };
    const distinct = [await walk(), await walk(), await walk()];
    expect(distinct.some((n) => n < 20)).toBe(true);
  });

  it('rule 7 — api/device.rs:246: device List requires an application id', async () => {
    const req = new devicePb.ListDevicesRequest();
    req.setLimit(10);
    expect(await rpc()('DeviceService', 'list', req)).toMatchObject({ code: 3 });
  });

  it('rule 7 — storage/device.rs:719: search is a case-insensitive name ILIKE where % and _ are wildcards', async () => {
    const call = rpc();
    const { app, p } = await seeded(call);
    OK(await call('DeviceService', 'create', deviceReq('0000000000000001', app, p, 'Sensor-A1')));
    OK(await call('DeviceService', 'create', deviceReq('0000000000000002', app, p, 'pump_7')));
    const names = async (search: string) => {
      const req = new devicePb.ListDevicesRequest();
      req.setApplicationId(app);
      req.setLimit(10);
      req.setSearch(search);
      const res = (await call('DeviceService', 'list', req)) as InstanceType<
        typeof devicePb.ListDevicesResponse
      >;
      return res
        .getResultList()
        .map((d) => d.getName())
        .sort();
    };
    expect(await names('sensor')).toEqual(['Sensor-A1']);
    expect(await names('s_n')).toEqual(['Sensor-A1']);
    expect(await names('p%7')).toEqual(['pump_7']);
    expect(await names('0000000000000001')).toEqual([]); // not the DevEUI
  });

  it('rule 8 — lrwn/src/eui64.rs:73-82, api/error.rs:86-90: bad EUI or key hex is INTERNAL; an empty EUI is all zeros', async () => {
    const call = rpc();
    const { app, p } = await seeded(call);
    expect(await call('DeviceService', 'create', deviceReq('zz', app, p))).toEqual({
      code: 13,
      details: 'Invalid string length',
    });
    OK(await call('DeviceService', 'create', deviceReq('', app, p)));
    expect([...fake.state.devices.keys()]).toEqual(['0000000000000000']);
    const k = new devicePb.DeviceKeys();
    k.setDevEui('0000000000000000');
    k.setNwkKey('zz112233445566778899aabbccddeeff');
    const keys = new devicePb.CreateDeviceKeysRequest();
    keys.setDeviceKeys(k);
    expect(await call('DeviceService', 'createKeys', keys)).toEqual({
      code: 13,
      details: "Invalid character 'z' at position 0",
    });
  });

  it('rule 8 — storage/device.rs:143-146, 253-288, 584: an empty device name is accepted on Create and refused on Update', async () => {
    const call = rpc();
    const { app, p } = await seeded(call);
    OK(await call('DeviceService', 'create', deviceReq('0000000000000001', app, p, '')));
    const update = new devicePb.UpdateDeviceRequest();
    update.setDevice(deviceReq('0000000000000001', app, p, '').getDevice()!);
    expect(await call('DeviceService', 'update', update)).toEqual({
      code: 3,
      details: 'Validation error: name is not set',
    });
  });

  it('rule 8 — storage/device.rs:257-264, initial/up.sql:189: an unknown application or profile on device Create is INTERNAL', async () => {
    const call = rpc();
    const { app } = await seeded(call);
    const unknown = '00000000-0000-0000-0000-00000000abcd';
    expect(await call('DeviceService', 'create', deviceReq('0000000000000001', unknown, unknown))).toEqual({
      code: 13,
      details: 'Record not found',
    });
    expect(await call('DeviceService', 'create', deviceReq('0000000000000001', app, unknown))).toMatchObject({
      code: 13,
      details: expect.stringContaining('violates foreign key constraint'),
    });
  });

  it('rule 8 — storage/device.rs:273-277, storage/gateway.rs:204-218: tenant limits answer INVALID_ARGUMENT "Not allowed"', async () => {
    const call = rpc();
    const t = await tenant(call, (x) => {
      x.setMaxDeviceCount(1);
      x.setMaxGatewayCount(1);
    });
    const app = await application(t, call);
    const p = await profile(t, call);
    OK(await call('DeviceService', 'create', deviceReq('0000000000000001', app, p)));
    expect(await call('DeviceService', 'create', deviceReq('0000000000000002', app, p))).toEqual({
      code: 3,
      details: 'Not allowed (Max number of devices exceeded for tenant)',
    });
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', t))));
    expect(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000002', t)))).toEqual({
      code: 3,
      details: 'Not allowed (Max number of gateways exceeded for tenant)',
    });
    const noGw = await tenant(call, (x) => x.setCanHaveGateways(false));
    expect(
      await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000003', noGw))),
    ).toEqual({
      code: 3,
      details: 'Not allowed (Tenant can not have gateways)',
    });
  });

  it('rule 9 — initial/up.sql:94,117,153,188: deleting a tenant deletes its applications, profiles, gateways and devices', async () => {
    const call = rpc();
    const { t, app, p } = await seeded(call);
    OK(await call('DeviceService', 'create', deviceReq('0000000000000001', app, p)));
    OK(await call('GatewayService', 'create', gatewayCreate(gatewayMsg('aa00000000000001', t))));
    const del = new tenantPb.DeleteTenantRequest();
    del.setId(t);
    OK(await call('TenantService', 'delete', del));
    expect([
      fake.state.applications.size,
      fake.state.deviceProfiles.size,
      fake.state.gateways.size,
      fake.state.devices.size,
    ]).toEqual([0, 0, 0, 0]);
  });
});
