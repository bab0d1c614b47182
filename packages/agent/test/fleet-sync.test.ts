// Issue 16: site.yaml's `fleet_sync` section makes the site agent publish its ChirpStack fleet through
// the outbox (a full snapshot first, then only changes, resuming from its state file after a restart);
// the batches it wrote apply at a centre mirror; with `integration_secret_ref_template` the application
// integrations travel with their secrets as references, so a restore from the centre recreates them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { missingServer, type RestartableServer, startMosquitto } from '@fieldops/bus/testing';
import type { FleetIntegration } from '@fieldops/contracts/chirpstack/v1';
import { applyFleetBatch, createFleetStore, migrateFleet } from '@fieldops/fleet';
import { createChirpStackClient, restoreSite } from '@fieldops/sdk/chirpstack';
import { createEnvProvider, createSecretResolver } from '@fieldops/sdk/secrets';
import {
  type FakeChirpStack,
  sampleIntegrations,
  startFakeChirpStack,
} from '@fieldops/sdk/testing/chirpstack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/load-config.js';
import { type SiteAgent, startSiteAgent } from '../src/site/site-agent.js';

const SITE = 'site_01jd8y3k2m0000000000000016';
const DEV = '70b3d57ed0000016';
const AWS_SECRET = 'aws-canary-secret-access-key-0016';
const BLYNK_TOKEN = 'blynk-canary-token-0016';
const HTTP_TOKEN = 'Bearer http-canary-0016';
/** Where the site keeps its integration secrets (site.yaml fleet_sync.integration_secret_ref_template). */
const INTEGRATION_SECRETS = {
  INT_sensors_aws_sns_secret_access_key: AWS_SECRET,
  INT_sensors_blynk_token: BLYNK_TOKEN,
};

describe('site.yaml fleet_sync', () => {
  it('is checked by the config contract: it needs the chirpstack section and a {dev_eui} template', () => {
    const base = { site_id: SITE, mqtt: { url: 'mqtt://127.0.0.1:1883' } };
    expect(() => loadConfig({ ...base, fleet_sync: {} }, 'site.yaml')).toThrow(
      '@fieldops/agent: site.yaml is not a valid fieldops-agent config v1:\n  fleet_sync: fleet_sync publishes the ChirpStack fleet: it needs the chirpstack section',
    );
    const chirpstack = { target: '127.0.0.1:8080', api_token: 'env:CS_TOKEN', tenant_id: 't' };
    expect(() =>
      loadConfig({ ...base, chirpstack, fleet_sync: { key_ref_template: 'vault:kv/lorawan#nwk_key' } }),
    ).toThrow('fleet_sync.key_ref_template: expected a SecretRef template containing {dev_eui}');
    expect(() => loadConfig({ ...base, chirpstack, fleet_sync: { interval_s: 0 } })).toThrow(
      'fleet_sync.interval_s',
    );
    expect(() =>
      loadConfig({
        ...base,
        chirpstack,
        fleet_sync: { integration_secret_ref_template: 'vault:kv/chirpstack/{application}#{field}' },
      }),
    ).toThrow(
      'fleet_sync.integration_secret_ref_template: expected a SecretRef template containing {application}, {kind} and {field}',
    );
    expect(() =>
      loadConfig({
        ...base,
        chirpstack,
        fleet_sync: { integration_secret_ref_template: 'kv/chirpstack/{application}/{kind}/{field}' },
      }),
    ).toThrow(
      'fleet_sync.integration_secret_ref_template: expected a SecretRef template (env:NAME, file:path, vault:path#key or op://vault/item/field) once its {placeholders} are filled',
    );
    expect(
      loadConfig({
        ...base,
        chirpstack,
        fleet_sync: { integration_secret_ref_template: 'vault:kv/chirpstack/{application}/{kind}#{field}' },
      }).fleet_sync?.integration_secret_ref_template,
    ).toBe('vault:kv/chirpstack/{application}/{kind}#{field}');
    expect(loadConfig({ ...base, chirpstack, fleet_sync: {} }).fleet_sync).toEqual({
      interval_s: 300,
      state_file: './data/fleet-sync.json',
      max_per_batch: 500,
    });
  });
});

describe.skipIf(missingServer('mosquitto') !== undefined)('the site agent publishes its fleet', () => {
  let fake: FakeChirpStack;
  let broker: RestartableServer;
  let tenantId: string;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeChirpStack();
    const client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
    tenantId = await client.createTenant({ name: 'site-16', can_have_gateways: true });
    const app = await client.createApplication({ tenant_id: tenantId, name: 'sensors' });
    const profile = await client.createDeviceProfile({
      tenant_id: tenantId,
      name: 'as923-2-class-a',
      region: 'as923_2',
      mac_version: 'LORAWAN_1_0_3',
      reg_params_revision: 'RP002_1_0_3',
      supports_otaa: true,
      uplink_interval_s: 600,
    });
    await client.createDevice({
      dev_eui: DEV,
      name: 'meter-1',
      application_id: app,
      device_profile_id: profile,
    });
    const samples = sampleIntegrations({ awsSecretAccessKey: AWS_SECRET, blynkToken: BLYNK_TOKEN });
    for (const kind of ['aws_sns', 'blynk'])
      await client.createIntegration(app, samples.find((i) => i.kind === kind)!);
    // `env:INT_sensors_http_headers.Authorization` is no SecretRef (a `.` in an env name): no reference.
    await client.createIntegration(app, {
      kind: 'http',
      event_endpoint_url: 'https://ingest.example.com',
      encoding: 'json',
      headers: { Authorization: HTTP_TOKEN },
    });
    client.close();
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'fieldops-fleet-sync-'));
  }, 120_000);
  afterAll(async () => {
    await fake?.stop();
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = () =>
    startSiteAgent(
      loadConfig({
        site_id: SITE,
        mqtt: { url: broker.url, client_id: 'fleet-sync-test' },
        chirpstack: { target: fake.target, api_token: 'env:CS_TOKEN', tenant_id: tenantId },
        outbox: { data_dir: join(dir, 'outbox') },
        http: { listen: '127.0.0.1:0' },
        fleet_sync: {
          interval_s: 3600,
          state_file: join(dir, 'state', 'fleet-sync.json'),
          key_ref_template: 'env:KEY_{dev_eui}',
          integration_secret_ref_template: 'env:INT_{application}_{kind}_{field}',
        },
      }),
      {
        secrets: createSecretResolver({
          providers: [createEnvProvider({ env: { CS_TOKEN: fake.apiToken } })],
        }),
      },
    );
  const batches = async (site: SiteAgent) =>
    (
      (await site.db.query(
        `SELECT payload FROM fieldops_bus.outbox WHERE type = 'io.fieldops.chirpstack.fleet.synced.v1' ORDER BY seq`,
      )) as { rows: { payload: string }[] }
    ).rows.map(
      (r) => JSON.parse(r.payload) as { data: Record<string, unknown> & { devices: { name: string }[] } },
    );

  it('a full snapshot first, only changes after a restart (state file), and the centre mirrors it', async () => {
    let site = await start();
    let first: Awaited<ReturnType<typeof batches>>;
    try {
      await vi.waitFor(async () => expect(await batches(site)).toHaveLength(1), {
        timeout: 60_000,
        interval: 200,
      });
      first = await batches(site);
      expect(first[0]!.data).toMatchObject({ site_id: SITE, full: 'only', sequence: 1 });
      expect(first[0]!.data.devices).toMatchObject([
        { dev_eui: DEV, name: 'meter-1', keys: { nwk_key_ref: `env:KEY_${DEV}` } },
      ]);
      // The integrations travel with their secrets as references (from site.yaml), never values.
      const apps = first[0]!.data.applications as { integrations: FleetIntegration[] }[];
      expect(
        apps[0]!.integrations.map((i) => [i.kind, Object.values(i.secrets ?? {}).map((x) => x.ref ?? null)]),
      ).toEqual([
        ['aws_sns', ['env:INT_sensors_aws_sns_secret_access_key']],
        ['blynk', ['env:INT_sensors_blynk_token']],
        ['http', [null]],
      ]);
      const text = JSON.stringify(await batches(site));
      for (const secret of [AWS_SECRET, BLYNK_TOKEN, HTTP_TOKEN]) expect(text).not.toContain(secret);
    } finally {
      await site.stop();
    }
    fake.state.devices.get(DEV)!.name = 'meter-1-renamed';
    fake.state.devices.get(DEV)!.updated_at = new Date(Date.now() + 1000);
    site = await start();
    try {
      await vi.waitFor(async () => expect(await batches(site)).toHaveLength(2), {
        timeout: 60_000,
        interval: 200,
      });
      const second = (await batches(site))[1]!.data;
      expect(second).toMatchObject({ site_id: SITE, sequence: 2, epoch: first[0]!.data.epoch });
      expect(second.full).toBeUndefined();
      expect(second.devices.map((d) => d.name)).toEqual(['meter-1-renamed']);
      // What the agent wrote is what a centre applies.
      const centre = await createPgliteDatabase();
      try {
        await migrate(centre);
        await migrateFleet(centre);
        for (const b of await batches(site))
          await centre.transaction((tx) => applyFleetBatch(tx, b.data as never));
        const store = createFleetStore({ db: centre });
        expect(await store.site(SITE)).toMatchObject({ last_sequence: 2, devices: 1 });
        expect((await store.devices({ siteId: SITE })).map((d) => d.name)).toEqual(['meter-1-renamed']);

        // A restore from this agent-fed backup recreates the integrations whose secrets it can resolve.
        const backup = (await store.snapshot(SITE))!;
        const empty = await startFakeChirpStack();
        const target = createChirpStackClient({ target: empty.target, apiToken: empty.apiToken });
        try {
          const resolver = createSecretResolver({
            providers: [
              createEnvProvider({ env: { ...INTEGRATION_SECRETS, [`KEY_${DEV}`]: '00'.repeat(16) } }),
            ],
          });
          const result = await restoreSite(backup, target, { resolveSecret: (ref) => resolver.resolve(ref) });
          expect(result.tenants.map((t) => t.integrations_written)).toEqual([2]);
          expect(
            result.problems.filter((p) => p.key.startsWith('sensors/')).map((p) => [p.key, p.message]),
          ).toEqual([
            ['sensors/http', 'http integration: no reference for its secret headers.Authorization'],
          ]);
          const restoredApp = [...empty.state.applications.values()][0]!.id;
          const sns = await target.getIntegration(restoredApp, 'aws_sns');
          expect(sns.kind === 'aws_sns' && sns.secret_access_key.reveal()).toBe(AWS_SECRET);
          expect(JSON.stringify(result)).not.toContain(AWS_SECRET);
        } finally {
          target.close();
          await empty.stop();
        }
      } finally {
        await centre.close();
      }
    } finally {
      await site.stop();
    }
  }, 300_000);
});
