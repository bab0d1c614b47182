import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRpcCaller, type RpcCaller } from '../../src/chirpstack/client.js';
import {
  applyPlan,
  type ChirpStackClient,
  createChirpStackClient,
  exportSiteBackup,
  integrationSecretRefsFromTemplate,
  keyRefsFromSpec,
  planReconcile,
  restoreSite,
} from '../../src/chirpstack/index.js';
import { applicationPb, tenantPb } from '../../src/chirpstack/proto.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { CANARY_KEY, desiredState } from './helpers.js';

// Issue 16 item 1: application integrations in the restorable snapshot. The fake ChirpStack serves
// the integration RPCs of ApplicationService (chirpstack-api 4.19.0 api/application_grpc_pb.d.ts:16-20)
// as ChirpStack v4.19.0 does; each fidelity test cites the server's source (github.com/chirpstack/
// chirpstack at tag v4.19.0, paths under chirpstack/). Secrets in integrations (header values,
// InfluxDB password and token) become references and fingerprints in the backup, never values.

let site: FakeChirpStack;
let empty: FakeChirpStack;
let siteClient: ChirpStackClient;
let emptyClient: ChirpStackClient;
const callers: RpcCaller[] = [];
const SITE = 'site_01JD0000000000000000000001';
const TOKEN = 'Bearer hunter2-http-integration-token';
const INFLUX_TOKEN = 'influx-token-0123456789abcdef';
const SECRETS: Record<string, string> = {
  'vault:kv/data/site/sensors/http#headers.Authorization': TOKEN,
  'vault:kv/data/site/sensors/http#headers.X-Tenant': 'acme',
  'vault:kv/data/site/sensors/influxdb#token': INFLUX_TOKEN,
};
const refs = integrationSecretRefsFromTemplate('vault:kv/data/site/{application}/{kind}#{field}');
const resolveSecret = async (ref: string) => {
  if (ref in SECRETS) return SECRETS[ref]!;
  if (ref.startsWith('env:')) return CANARY_KEY;
  throw new Error(`no secret at ${ref}`);
};
const clientOf = (f: FakeChirpStack) =>
  createChirpStackClient({
    target: f.target,
    apiToken: f.apiToken,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });

beforeEach(async () => {
  site = await startFakeChirpStack();
  empty = await startFakeChirpStack();
  siteClient = clientOf(site);
  emptyClient = clientOf(empty);
});
afterEach(async () => {
  for (const c of callers.splice(0)) c.close();
  siteClient.close();
  emptyClient.close();
  await site.stop();
  await empty.stop();
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
