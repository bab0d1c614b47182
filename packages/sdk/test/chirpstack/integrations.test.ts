import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRpcCaller, type RpcCaller } from '../../src/chirpstack/client.js';
import {
  type ApplicationIntegrationInput,
  applyPlan,
  type ChirpStackClient,
  exportSiteBackup,
  integrationSecretRefsFromTemplate,
  keyRefsFromSpec,
  type ManagedIntegrationKind,
  planReconcile,
  restoreSite,
} from '../../src/chirpstack/index.js';
import { applicationPb, tenantPb } from '../../src/chirpstack/proto.js';
import { type FakeChirpStack, sampleIntegrations } from '../../src/testing/chirpstack.js';
import { type SiteAndEmpty, startSiteAndEmpty } from '../support/site-and-empty.js';
import { CANARY_KEY, desiredState } from './helpers.js';

// Issue 16 item 1: application integrations in the restorable snapshot. The fake ChirpStack serves
// the integration RPCs of ApplicationService (chirpstack-api 4.19.0 api/application_grpc_pb.d.ts:16-20)
// as ChirpStack v4.19.0 does; each fidelity test cites the server's source (github.com/chirpstack/
// chirpstack at tag v4.19.0, paths under chirpstack/). Secrets in integrations (header values,
// InfluxDB password and token, GCP credentials file, AWS secret access key, Azure connection string,
// Pilot Things / IFTTT / Blynk keys and tokens) become references and fingerprints in the backup,
// never values. chirpstack-api 4.19.0 has no LoRa Cloud integration (no RPC in
// api/application_grpc_pb.d.ts), so there is none to carry.

let site: FakeChirpStack;
let empty: FakeChirpStack;
let siteClient: ChirpStackClient;
let emptyClient: ChirpStackClient;
const callers: RpcCaller[] = [];
const SITE = 'site_01JD0000000000000000000001';
const TOKEN = 'Bearer hunter2-http-integration-token';
const INFLUX_TOKEN = 'influx-token-0123456789abcdef';
// One credential per other kind, each recognisable in any text it might leak into.
const GCP_CREDENTIALS = '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----gcp-canary"}';
const AWS_SECRET = 'aws-canary/wJalrXUtnFEMI/K7MDENG';
const AZURE_CONNECTION =
  'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=azure-canary=';
const PILOT_TOKEN = 'pilot-things-canary-token';
const IFTTT_KEY = 'ifttt-canary-key';
const BLYNK_TOKEN = 'blynk-canary-token';
const SECRETS: Record<string, string> = {
  'vault:kv/data/site/sensors/http#headers.Authorization': TOKEN,
  'vault:kv/data/site/sensors/http#headers.X-Tenant': 'acme',
  'vault:kv/data/site/sensors/influxdb#token': INFLUX_TOKEN,
  'vault:kv/data/site/sensors/gcp_pubsub#credentials_file': GCP_CREDENTIALS,
  'vault:kv/data/site/sensors/aws_sns#secret_access_key': AWS_SECRET,
  'vault:kv/data/site/sensors/azure_service_bus#connection_string': AZURE_CONNECTION,
  'vault:kv/data/site/sensors/pilot_things#token': PILOT_TOKEN,
  'vault:kv/data/site/sensors/ifttt#key': IFTTT_KEY,
  'vault:kv/data/site/sensors/blynk#token': BLYNK_TOKEN,
};
const refs = integrationSecretRefsFromTemplate('vault:kv/data/site/{application}/{kind}#{field}');
const resolveSecret = async (ref: string) => {
  if (ref in SECRETS) return SECRETS[ref]!;
  if (ref.startsWith('env:')) return CANARY_KEY;
  throw new Error(`no secret at ${ref}`);
};
let fakes: SiteAndEmpty;
beforeEach(async () => {
  fakes = await startSiteAndEmpty();
  ({ site, empty, siteClient, emptyClient } = fakes);
});
afterEach(async () => {
  for (const c of callers.splice(0)) c.close();
  await fakes.stop();
});

/** A bare RPC caller: the fake's answers without the typed client's checks. */
function rpc() {
  const caller = createRpcCaller({ target: site.target, apiToken: site.apiToken, retry: { attempts: 1 } });
  callers.push(caller);
  return async (method: string, req: unknown) => {
    try {
      return await caller.call('ApplicationService', method, req as never);
    } catch (error) {
      const cause = (error as { cause?: { code: number; details: string } }).cause;
      return { code: cause?.code ?? -1, details: cause?.details ?? '' };
    }
  };
}

async function application(): Promise<string> {
  const t = new tenantPb.Tenant();
  t.setName('t');
  const tr = new tenantPb.CreateTenantRequest();
  tr.setTenant(t);
  const caller = createRpcCaller({ target: site.target, apiToken: site.apiToken });
  callers.push(caller);
  const created = await caller.call<InstanceType<typeof tenantPb.CreateTenantResponse>>(
    'TenantService',
    'create',
    tr,
  );
  const tenantId = created.getId();
  return siteClient.createApplication({ tenant_id: tenantId, name: 'sensors' });
}

const http = (token = TOKEN) => ({
  kind: 'http' as const,
  event_endpoint_url: 'https://ingest.example.com/uplinks',
  encoding: 'json' as const,
  headers: { Authorization: token, 'X-Tenant': 'acme' },
});
const influx = {
  kind: 'influxdb' as const,
  endpoint: 'https://influx.example.com/api/v2/write',
  version: 1,
  db: '',
  username: '',
  password: '',
  retention_policy_name: '',
  precision: 3,
  token: INFLUX_TOKEN,
  organization: 'acme',
  bucket: 'lorawan',
};

/** One integration of each kind beyond HTTP, InfluxDB and ThingsBoard, as written. */
const others = (): ApplicationIntegrationInput[] =>
  sampleIntegrations({
    gcpCredentialsFile: GCP_CREDENTIALS,
    awsSecretAccessKey: AWS_SECRET,
    azureConnectionString: AZURE_CONNECTION,
    pilotThingsToken: PILOT_TOKEN,
    iftttKey: IFTTT_KEY,
    blynkToken: BLYNK_TOKEN,
  });
const OTHER_SECRETS = [GCP_CREDENTIALS, AWS_SECRET, AZURE_CONNECTION, PILOT_TOKEN, IFTTT_KEY, BLYNK_TOKEN];
/** The RPC suffix of every kind of v4.19.0 (api/application_grpc_pb.d.ts). */
const ALL_RPCS = [
  'HttpIntegration',
  'InfluxDbIntegration',
  'ThingsBoardIntegration',
  'MyDevicesIntegration',
  'GcpPubSubIntegration',
  'AwsSnsIntegration',
  'AzureServiceBusIntegration',
  'PilotThingsIntegration',
  'IftttIntegration',
  'BlynkIntegration',
] as const;
/** An integration as read, its SecretValues revealed. */
const revealed = (i: object) =>
  Object.fromEntries(
    Object.entries(i).map(([k, v]) => [
      k,
      v && typeof v === 'object' && 'reveal' in v ? (v as { reveal(): string }).reveal() : v,
    ]),
  );

describe('the fake ChirpStack serves application integrations as v4.19.0 does', () => {
  it('api/application.rs:227-254: List answers the stored kinds in kind order, then MQTT_GLOBAL; total = stored + 1', async () => {
    const app = await application();
    expect(await siteClient.listIntegrations(app)).toEqual(['mqtt_global']);
    await siteClient.createIntegration(app, influx);
    await siteClient.createIntegration(app, http());
    await siteClient.createIntegration(app, { kind: 'thingsboard', server: 'https://tb.example.com' });
    expect(await siteClient.listIntegrations(app)).toEqual([
      'http',
      'influxdb',
      'thingsboard',
      'mqtt_global',
    ]);
    const req = new applicationPb.ListIntegrationsRequest();
    req.setApplicationId(app);
    const res = (await rpc()('listIntegrations', req)) as InstanceType<
      typeof applicationPb.ListIntegrationsResponse
    >;
    expect(res.getTotalCount()).toBe(4);
  });

  it('api/application.rs:309-347, 490-504: Get answers every stored field, the secrets included', async () => {
    const app = await application();
    await siteClient.createIntegration(app, http());
    await siteClient.createIntegration(app, influx);
    const h = await siteClient.getIntegration(app, 'http');
    expect(h).toMatchObject({
      kind: 'http',
      event_endpoint_url: http().event_endpoint_url,
      encoding: 'json',
    });
    expect(h.kind === 'http' && h.headers.Authorization!.reveal()).toBe(TOKEN);
    // Secrets as read print redacted.
    expect(JSON.stringify(h)).not.toContain(TOKEN);
    const i = await siteClient.getIntegration(app, 'influxdb');
    expect(i.kind === 'influxdb' && [i.token.reveal(), i.precision, i.version, i.bucket]).toEqual([
      INFLUX_TOKEN,
      3,
      1,
      'lorawan',
    ]);
  });

  it('api/application.rs:265-270: Create and Update without an integration are INVALID_ARGUMENT "integration is missing"', async () => {
    const call = rpc();
    expect(await call('createHttpIntegration', new applicationPb.CreateHttpIntegrationRequest())).toEqual({
      code: 3,
      details: 'integration is missing',
    });
    expect(
      await call('updateInfluxDbIntegration', new applicationPb.UpdateInfluxDbIntegrationRequest()),
    ).toEqual({
      code: 3,
      details: 'integration is missing',
    });
  });

  it('api/application.rs:744, 821, … (every Create*/Update*), 309-347 and the other Get*/Delete*: each kind of v4.19.0 answers "integration is missing" without one and NOT_FOUND when absent', async () => {
    const app = await application();
    const call = rpc();
    for (const name of ALL_RPCS) {
      const P = applicationPb as unknown as Record<string, new () => { setApplicationId(id: string): void }>;
      for (const verb of ['create', 'update'])
        expect([
          name,
          verb,
          await call(`${verb}${name}`, new P[`${verb[0]!.toUpperCase()}${verb.slice(1)}${name}Request`]!()),
        ]).toEqual([name, verb, { code: 3, details: 'integration is missing' }]);
      for (const verb of ['get', 'delete']) {
        const req = new P[`${verb[0]!.toUpperCase()}${verb.slice(1)}${name}Request`]!();
        req.setApplicationId(app);
        expect([name, verb, await call(`${verb}${name}`, req)]).toEqual([
          name,
          verb,
          { code: 5, details: `Object does not exist (id: ${app})` },
        ]);
      }
    }
  });

  it('api/application.rs:737-1787, storage/application.rs:223-270, 508: the other kinds store every field as sent, Get answers them with the secrets, List orders by the stored kind name', async () => {
    const app = await application();
    for (const i of others()) await siteClient.createIntegration(app, i);
    expect(await siteClient.listIntegrations(app)).toEqual([
      'aws_sns', // AwsSns
      'azure_service_bus', // AzureServiceBus
      'blynk', // Blynk
      'gcp_pubsub', // GcpPubSub
      'ifttt', // Ifttt
      'mydevices', // MyDevices
      'pilot_things', // PilotThings
      'mqtt_global',
    ]);
    for (const want of others()) {
      const got = await siteClient.getIntegration(app, want.kind as ManagedIntegrationKind);
      expect(revealed(got)).toEqual(want);
      for (const secret of OTHER_SECRETS) expect(JSON.stringify(got)).not.toContain(secret);
    }
    // Update replaces the configuration (application.rs:963-1005 for GCP Pub/Sub).
    await siteClient.updateIntegration(app, {
      ...others()[1]!,
      topic_name: 'moved',
    } as ApplicationIntegrationInput);
    expect(await siteClient.getIntegration(app, 'gcp_pubsub')).toMatchObject({ topic_name: 'moved' });
  });

  it('api/application.rs:1500-1508, 1516-1519, 1594-1606: IFTTT Create refuses an event_prefix outside [a-zA-Z0-9], Update does not check it; both store exactly two uplink values', async () => {
    const app = await application();
    const call = rpc();
    const req = new applicationPb.CreateIftttIntegrationRequest();
    const m = new applicationPb.IftttIntegration();
    m.setApplicationId(app);
    m.setKey(IFTTT_KEY);
    m.setEventPrefix('acme-prod');
    req.setIntegration(m);
    expect(await call('createIftttIntegration', req)).toEqual({
      code: 3,
      details: 'event_prefix may only contain A-Z, a-z and 0-9 characters',
    });
    expect(await siteClient.listIntegrations(app)).toEqual(['mqtt_global']);
    m.setEventPrefix('');
    m.setUplinkValuesList(['a', 'b', 'c']);
    expect(await call('createIftttIntegration', req)).toBeInstanceOf(Object);
    expect(await siteClient.getIntegration(app, 'ifttt')).toMatchObject({ uplink_values: ['a', 'b'] });
    const upd = new applicationPb.UpdateIftttIntegrationRequest();
    m.setEventPrefix('acme-prod');
    m.setUplinkValuesList([]);
    upd.setIntegration(m);
    expect(await call('updateIftttIntegration', upd)).not.toHaveProperty('code');
    expect(await siteClient.getIntegration(app, 'ifttt')).toMatchObject({
      event_prefix: 'acme-prod',
      uplink_values: ['', ''],
    });
  });

  it('storage/application.rs:435-444, migrations_postgres/00000000000000_initial/up.sql:129-137: a second Create of a kind is INTERNAL (primary key), an unknown application INTERNAL (foreign key)', async () => {
    const app = await application();
    await siteClient.createIntegration(app, http());
    const again = new applicationPb.CreateHttpIntegrationRequest();
    const m = new applicationPb.HttpIntegration();
    m.setApplicationId(app);
    again.setIntegration(m);
    expect(await rpc()('createHttpIntegration', again)).toEqual({
      code: 13,
      details: 'duplicate key value violates unique constraint "application_integration_pkey"',
    });
    m.setApplicationId('6f0b9a52-0000-4000-8000-000000000000');
    expect(await rpc()('createHttpIntegration', again)).toMatchObject({ code: 13 });
  });

  it('storage/application.rs:446-501: Get, Update and Delete of a kind the application does not have are NOT_FOUND', async () => {
    const app = await application();
    const call = rpc();
    const get = new applicationPb.GetHttpIntegrationRequest();
    get.setApplicationId(app);
    expect(await call('getHttpIntegration', get)).toEqual({
      code: 5,
      details: `Object does not exist (id: ${app})`,
    });
    const upd = new applicationPb.UpdateThingsBoardIntegrationRequest();
    const tb = new applicationPb.ThingsBoardIntegration();
    tb.setApplicationId(app);
    upd.setIntegration(tb);
    expect(await call('updateThingsBoardIntegration', upd)).toMatchObject({ code: 5 });
    const del = new applicationPb.DeleteInfluxDbIntegrationRequest();
    del.setApplicationId(app);
    expect(await call('deleteInfluxDbIntegration', del)).toMatchObject({ code: 5 });
    // Update replaces the configuration; Delete removes the row.
    await siteClient.createIntegration(app, http());
    await siteClient.updateIntegration(app, {
      ...http('Bearer other'),
      headers: { Authorization: 'Bearer other' },
    });
    const h = await siteClient.getIntegration(app, 'http');
    expect(h.kind === 'http' && Object.keys(h.headers)).toEqual(['Authorization']);
    await siteClient.deleteIntegration(app, 'http');
    expect(await siteClient.listIntegrations(app)).toEqual(['mqtt_global']);
  });

  it('migrations_postgres/00000000000000_initial/up.sql:130: deleting the application deletes its integrations', async () => {
    const app = await application();
    await siteClient.createIntegration(app, http());
    await siteClient.deleteApplication(app);
    expect(site.state.integrations.has(app)).toBe(false);
  });
});

describe('integrations in the restorable snapshot (issue 16 item 1)', () => {
  async function buildSite() {
    const desired = desiredState(3);
    const plan = await planReconcile(desired, siteClient, { resolveSecret });
    expect((await applyPlan(plan, siteClient, { resolveSecret })).errors).toEqual([]);
    const app = [...site.state.applications.values()][0]!.id;
    await siteClient.createIntegration(app, http());
    await siteClient.createIntegration(app, influx);
    return { desired, app };
  }

  it('carries each integration with its secrets as references and fingerprints, never values', async () => {
    const { desired } = await buildSite();
    const snapshot = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    const text = JSON.stringify(FleetSnapshot.parse(snapshot));
    for (const secret of [TOKEN, INFLUX_TOKEN, 'acme"}']) expect(text).not.toContain(secret);
    const [h, i] = snapshot.applications[0]!.integrations!;
    expect(h).toEqual({
      kind: 'http',
      config: { event_endpoint_url: http().event_endpoint_url, encoding: 'json' },
      secrets: {
        'headers.Authorization': {
          ref: 'vault:kv/data/site/sensors/http#headers.Authorization',
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
        'headers.X-Tenant': {
          ref: 'vault:kv/data/site/sensors/http#headers.X-Tenant',
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      },
    });
    expect(i).toMatchObject({ kind: 'influxdb', config: { bucket: 'lorawan', version: 1 } });
    expect(Object.keys(i!.secrets!)).toEqual(['token']); // an empty password is no secret

    // A token changed by hand at the site changes the fingerprint and the application's hash.
    const before = snapshot.applications[0]!.hash;
    await siteClient.updateIntegration(snapshot.applications[0]!.id, http('Bearer changed-by-hand'));
    const after = await exportSiteBackup(siteClient, { siteId: SITE, integrationSecretRefs: refs });
    expect(after.applications[0]!.hash).not.toBe(before);
    expect(after.applications[0]!.integrations![0]!.secrets!['headers.Authorization']!.fingerprint).not.toBe(
      h!.secrets!['headers.Authorization']!.fingerprint,
    );
  });

  it('a restore recreates them, secrets resolved again from their references, and they read back as the backup', async () => {
    const { desired } = await buildSite();
    const backup = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    const result = await restoreSite(backup, emptyClient, { resolveSecret });
    expect(result.problems).toEqual([]);
    expect(
      result.tenants.map((t) => [t.changes_after, t.integrations_written, t.integrations_after]),
    ).toEqual([[0, 2, 0]]);
    const app = [...empty.state.applications.values()][0]!.id;
    const h = await emptyClient.getIntegration(app, 'http');
    expect(h.kind === 'http' && h.headers.Authorization!.reveal()).toBe(TOKEN);
    const restored = await exportSiteBackup(emptyClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    expect(restored.applications[0]!.hash).toBe(backup.applications[0]!.hash);
  });

  it('carries every other kind of v4.19.0, each credential as a reference and a fingerprint, and a restore recreates them as they were', async () => {
    const { desired, app: appId } = await buildSite();
    for (const i of others()) await siteClient.createIntegration(appId, i);
    const backup = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    const text = JSON.stringify(FleetSnapshot.parse(backup));
    for (const secret of [...OTHER_SECRETS, 'wJalrXUtnFEMI', 'azure-canary', 'gcp-canary'])
      expect(text).not.toContain(secret);
    const carried = backup.applications[0]!.integrations!;
    expect(carried.filter((i) => i.complete === false)).toEqual([]);
    expect(Object.fromEntries(carried.map((i) => [i.kind, Object.keys(i.secrets ?? {})]))).toEqual({
      aws_sns: ['secret_access_key'],
      azure_service_bus: ['connection_string'],
      blynk: ['token'],
      gcp_pubsub: ['credentials_file'],
      http: ['headers.Authorization', 'headers.X-Tenant'],
      ifttt: ['key'],
      influxdb: ['token'],
      mydevices: [],
      pilot_things: ['token'],
    });
    expect(carried.find((i) => i.kind === 'aws_sns')).toEqual({
      kind: 'aws_sns',
      config: {
        encoding: 'json',
        region: 'eu-west-1',
        access_key_id: 'AKIAIOSFODNN7EXAMPLE',
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:uplinks',
      },
      secrets: {
        secret_access_key: {
          ref: 'vault:kv/data/site/sensors/aws_sns#secret_access_key',
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      },
    });

    const result = await restoreSite(backup, emptyClient, { resolveSecret });
    expect(result.problems).toEqual([]);
    expect(
      result.tenants.map((t) => [t.changes_after, t.integrations_written, t.integrations_after]),
    ).toEqual([[0, 9, 0]]);
    const restoredApp = [...empty.state.applications.values()][0]!.id;
    for (const want of others())
      expect(
        revealed(await emptyClient.getIntegration(restoredApp, want.kind as ManagedIntegrationKind)),
      ).toEqual(want);
    const again = await exportSiteBackup(emptyClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    expect(again.applications[0]!.hash).toBe(backup.applications[0]!.hash);
  });

  it('a credential changed by hand at the site (Azure connection string) changes its fingerprint; a restore writes what the reference holds and says so', async () => {
    const { app } = await buildSite();
    await siteClient.createIntegration(app, others()[3]!);
    const before = await exportSiteBackup(siteClient, { siteId: SITE, integrationSecretRefs: refs });
    await siteClient.updateIntegration(app, {
      ...(others()[3] as object),
      connection_string: 'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKey=hand-edited=',
    } as ApplicationIntegrationInput);
    const after = await exportSiteBackup(siteClient, { siteId: SITE, integrationSecretRefs: refs });
    const fp = (s: typeof before) =>
      s.applications[0]!.integrations!.find((i) => i.kind === 'azure_service_bus')!.secrets!
        .connection_string!.fingerprint;
    expect(fp(after)).not.toBe(fp(before));
    expect(after.applications[0]!.hash).not.toBe(before.applications[0]!.hash);
    expect(JSON.stringify(after)).not.toContain('hand-edited');
    const result = await restoreSite(after, emptyClient, { resolveSecret });
    // (This export names no device key references, so the devices are reported too; not the point here.)
    const ofIntegrations = result.problems.filter((p) => p.key.startsWith('sensors/'));
    expect(ofIntegrations.map((p) => [p.key, p.message])).toEqual([
      [
        'sensors/azure_service_bus',
        'connection_string: the value its reference resolves to now differs from what the site held (rotated?)',
      ],
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('hand-edited');
  });

  it('a template whose result is not a SecretRef gives no reference (the fingerprint stays, a restore names it)', () => {
    const at = { tenant: 't', kind: 'http', field: 'headers.Authorization' };
    expect(refs({ ...at, application: 'sensors' })).toBe(
      'vault:kv/data/site/sensors/http#headers.Authorization',
    );
    expect(refs({ ...at, application: 'my sensors' })).toBeUndefined();
    expect(
      integrationSecretRefsFromTemplate('env:INT_{kind}_{field}')({ ...at, application: 'a' }),
    ).toBeUndefined();
  });

  it('says what it could not restore: a secret without a reference, a rotated secret, a kind it does not carry', async () => {
    const { desired } = await buildSite();
    const backup = await exportSiteBackup(siteClient, {
      siteId: SITE,
      keyRefs: keyRefsFromSpec({ devices: desired.devices! }),
      integrationSecretRefs: refs,
    });
    const app = backup.applications[0]!;
    delete app.integrations![1]!.secrets!.token!.ref; // influxdb: the site did not say where its token lives
    app.integrations!.push({ kind: 'aws_sns', config: {}, complete: false });
    const rotated = async (ref: string) =>
      ref.endsWith('#headers.Authorization') ? 'Bearer 9f8e7d-new-value' : resolveSecret(ref);
    const result = await restoreSite(backup, emptyClient, { resolveSecret: rotated });
    expect(result.problems.map((p) => [p.key, p.message])).toEqual([
      [
        'sensors/http',
        'headers.Authorization: the value its reference resolves to now differs from what the site held (rotated?)',
      ],
      ['sensors/influxdb', 'influxdb integration: no reference for its secret token'],
      [
        'sensors/aws_sns',
        'the backup does not carry the configuration of this aws_sns integration: recreate it by hand',
      ],
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('9f8e7d-new-value');
    // Written: the HTTP one (with the value its reference gives now); the other two are not.
    expect(result.tenants[0]!.integrations_written).toBe(1);
    expect(result.tenants[0]!.integrations_after).toBe(3);
  });
});
