import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChirpStackForwarderConfigRenderer,
  createDefaultHandlers,
  createLocalForwarderConfigRenderer,
  runSpec,
} from '../../src/automation/index.js';
import { createChirpStackClient } from '../../src/chirpstack/index.js';
import { createEnvProvider, createSecretResolver } from '../../src/secrets/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { buildSpec, CANARY, captureLogger, readTree } from './helpers.js';

// The default configure_gateway handler reaches @fieldops/sdk/chirpstack through a dynamic import;
// here it talks real gRPC to the fake ChirpStack on loopback.
let fake: FakeChirpStack;
let tenantId = '';
const TOKEN = `${CANARY}-chirpstack`;

beforeAll(async () => {
  fake = await startFakeChirpStack({ apiToken: TOKEN });
  const admin = createChirpStackClient({ target: fake.target, apiToken: TOKEN });
  tenantId = await admin.createTenant({ name: 'coldchain-bkk', can_have_gateways: true });
  admin.close();
});
afterAll(async () => {
  await fake.stop();
});

const configure = (target: string) => ({
  id: 'configure-gateway',
  kind: 'configure_gateway',
  gateway_id: 'gw_01jd8y3k2m00000000000000g1',
  forwarder: 'gateway-bridge',
  server_address: 'edge.site.test',
  chirpstack: { target, tenant: 'coldchain-bkk', api_token_ref: 'env:CS_TOKEN' },
  stats_interval_s: 30,
});
const online = {
  id: 'gateway-online',
  kind: 'run_health_checks',
  checks: [{ type: 'chirpstack_gateway_online', gateway_eui: 'ac1f09fffe0a0b01' }],
};

describe('configure_gateway with the default registrar over gRPC', () => {
  it('registers the gateway, renders the bridge config, and a later run updates it; the online check reads its state', async () => {
    const secrets = createSecretResolver({ providers: [createEnvProvider({ env: { CS_TOKEN: TOKEN } })] });
    const kbRoot = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const { lines, logger } = captureLogger();
    const first = await runSpec(buildSpec([configure(fake.target), online]), {
      secrets,
      kb: { root: kbRoot },
      logger,
      handlers: createDefaultHandlers(),
    });
    expect(first.record.steps[0]).toMatchObject({
      status: 'succeeded',
      outputs: { created: true, tenant_id: tenantId, gateway_eui: 'ac1f09fffe0a0b01' },
    });
    // Never seen yet: the online check fails.
    expect(first.record.steps[1]).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('gateway never_seen'),
    });
    expect(fake.state.gateways.get('ac1f09fffe0a0b01')).toMatchObject({
      name: 'test-gw',
      tenant_id: tenantId,
    });

    fake.setGatewaySeen('ac1f09fffe0a0b01', new Date());
    const second = await runSpec(buildSpec([configure(fake.target), online]), {
      secrets,
      kb: { root: kbRoot },
      logger,
    });
    expect(second.record.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(second.record.steps[0]?.outputs).toMatchObject({ created: false });

    const files = await readTree(second.bundleDir!);
    expect(files.get('artifacts/configure-gateway/chirpstack-gateway-bridge.toml')).toContain(
      'event_topic_template = "as923_2/gateway/{{ .GatewayID }}/event/{{ .EventType }}"',
    );
    for (const [name, text] of [...files, ...lines.map((l, i) => [`log ${i}`, l] as const)])
      expect(text.includes(CANARY), name).toBe(false);
  });

  it('fails clearly when the tenant does not exist, and does not retry it', async () => {
    const secrets = createSecretResolver({ providers: [createEnvProvider({ env: { CS_TOKEN: TOKEN } })] });
    const action = {
      ...configure(fake.target),
      retry: { max_attempts: 3 },
      chirpstack: { target: fake.target, tenant: 'nope', api_token_ref: 'env:CS_TOKEN' },
    };
    const r = await runSpec(buildSpec([action]), { secrets, sleep: async () => {} });
    expect(r.record.steps[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      message: 'ChirpStack tenant "nope" not found',
    });
  });
});

describe('forwarder configuration renderers', () => {
  const gateway = {
    device_id: 'dev_01jd8y3k2m00000000000000g1',
    gateway_id: 'gw_01jd8y3k2m00000000000000g1',
    gateway_eui: 'ac1f09fffe0a0b01',
    name: 'gw',
    region: 'as923_3',
    concentrator: 'sx1302',
  } as const;
  const input = {
    forwarder: 'semtech-udp',
    gateway,
    server_address: '10.0.0.5',
    server_port: 1701,
    stats_interval_s: 60,
  } as const;

  it('ChirpStack templates: the region global_conf.json, with a non-default port written into gateway_conf', async () => {
    const files = await createChirpStackForwarderConfigRenderer().render(input as never);
    const conf = JSON.parse(files['global_conf.json']!);
    expect(conf.gateway_conf).toMatchObject({
      gateway_ID: 'AC1F09FFFE0A0B01',
      server_address: '10.0.0.5',
      serv_port_up: 1701,
      serv_port_down: 1701,
      stat_interval: 60,
    });
    expect(conf.SX130x_conf.radio_0.freq).toBeGreaterThan(915_000_000);
  });

  it('one renderer: an SX1301 gateway on a non-default port gets the template with the port in it (issue 12)', async () => {
    const sx1301 = { ...input, gateway: { ...gateway, concentrator: 'sx1301' } } as const;
    // Before, the handler re-parsed the rendered file as JSON to patch the port, and the SX1301
    // template's leading /* comment */ made that throw.
    const files = await createChirpStackForwarderConfigRenderer().render(sx1301 as never);
    expect(files['global_conf.json']).toMatch(/^\/\* Semtech UDP packet forwarder for SX1301/);
    expect(files['global_conf.json']).toContain('"serv_port_up": 1701');
    const local = await createLocalForwarderConfigRenderer().render(sx1301 as never);
    expect(JSON.parse(local['local_conf.json']!).gateway_conf).toMatchObject({
      gateway_ID: 'AC1F09FFFE0A0B01',
      server_address: '10.0.0.5',
      serv_port_down: 1701,
    });
  });

  it('local renderer: the per-gateway local_conf.json and a bridge TOML with the region prefix', async () => {
    const local = createLocalForwarderConfigRenderer();
    const udp = await local.render(input as never);
    expect(JSON.parse(udp['local_conf.json']!).gateway_conf).toMatchObject({
      gateway_ID: 'AC1F09FFFE0A0B01',
      serv_port_up: 1701,
      stat_interval: 60,
    });
    const bridge = await local.render({ ...input, forwarder: 'gateway-bridge' } as never);
    expect(bridge['chirpstack-gateway-bridge.toml']).toContain(
      'event_topic_template = "as923_3/gateway/{{ .GatewayID }}/event/{{ .EventType }}"',
    );
    expect(bridge['chirpstack-gateway-bridge.toml']).toContain('udp_bind = "0.0.0.0:1701"');
  });
});
