import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { createSpecDir, SMALL_CLI_SPEC } from '../support/chirpstack-cli.js';
import { CANARY_KEY, eui } from './helpers.js';

let fake: FakeChirpStack;
let dir: string;
let specDir: Awaited<ReturnType<typeof createSpecDir>>;
let out = '';
let err = '';
const io = () => ({
  stdout: (t: string) => {
    out += t;
  },
  stderr: (t: string) => {
    err += t;
  },
  cwd: dir,
  env: { CHIRPSTACK_API_TOKEN: fake.apiToken, APP_KEY: CANARY_KEY },
});

const spec = SMALL_CLI_SPEC;

beforeEach(async () => {
  fake = await startFakeChirpStack();
  specDir = await createSpecDir('cs-cli', spec);
  dir = specDir.dir;
  out = '';
  err = '';
});
afterEach(async () => {
  await fake.stop();
  await specDir.remove();
});

describe('fieldops chirpstack', () => {
  it('plan prints a table without touching ChirpStack, apply converges, a second plan shows no changes', async () => {
    const args = ['--spec', 'spec.json', '--chirpstack', fake.target];
    expect(await runCli(['chirpstack', 'plan', ...args], io())).toBe(0);
    expect(out).toContain('+ create  device_keys');
    expect(out).toContain('nwk_key: changed');
    expect(fake.state.tenants.size).toBe(0);
    out = '';
    expect(await runCli(['chirpstack', 'apply', ...args], io())).toBe(0);
    expect(out).toMatch(/Applied 7, .* errors 0/);
    expect(fake.state.devices.get(eui(2))?.keys?.nwk_key).toBe(CANARY_KEY);
    out = '';
    expect(await runCli(['chirpstack', 'plan', ...args, '--json'], io())).toBe(0);
    const plan = JSON.parse(out);
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    await writeFile(join(dir, 'plan.json'), out);
    out = '';
    expect(await runCli(['validate', 'plan.json'], io())).toBe(0);
    expect(out).toContain('valid chirpstack.v1.Plan');
    expect(out + err).not.toContain(CANARY_KEY);
  });

  it('reads devices from the registry and writes external refs back', async () => {
    const patches: { url: string; body: Record<string, unknown> }[] = [];
    const record = {
      device_id: 'dev_cli0001',
      customer_id: 'cus_0001',
      site_id: 'site_0001',
      name: 'from-registry',
      product_code: 'TH-1',
      product_version: '1.0.0',
      role: 'sensor',
      desired_state: {
        version: 1,
        updated_at: '2026-11-27T10:00:00Z',
        data: {
          chirpstack: {
            application: 'sensors',
            device_profile: 'as923-class-a',
            keys: { nwk_key_ref: 'env:APP_KEY' },
          },
        },
      },
      external_refs: { chirpstack: { dev_eui: eui(50) } },
      created_at: '2026-11-27T10:00:00Z',
      updated_at: '2026-11-27T10:00:00Z',
    };
    const auth = new Set<string | undefined>();
    const server: Server = createServer((req, res) => {
      auth.add(req.headers.authorization);
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url?.startsWith('/api/v1/devices')) {
          res.end(JSON.stringify({ items: [record], next_cursor: null }));
        } else if (req.method === 'PATCH') {
          patches.push({ url: req.url ?? '', body: JSON.parse(body) });
          res.end(JSON.stringify(record));
        } else {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: { code: 'not_found', message: 'no' } }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await writeFile(join(dir, 'spec.json'), JSON.stringify({ ...spec, devices: undefined }));
      const code = await runCli(
        ['chirpstack', 'apply', '--spec', 'spec.json', '--chirpstack', fake.target, '--registry', url],
        { ...io(), env: { ...io().env, FIELDOPS_REGISTRY_TOKEN: 'registry-token' } },
      );
      expect(auth).toEqual(new Set(['Bearer registry-token']));
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(fake.state.devices.get(eui(50))?.name).toBe('from-registry');
      expect(patches).toHaveLength(1);
      expect(patches[0]!.url).toBe('/api/v1/devices/dev_cli0001/observed-state');
      expect(patches[0]!.body).toMatchObject({
        source: 'chirpstack',
        external_refs: { chirpstack: { dev_eui: eui(50) } },
      });

      fake.setDeviceSeen(eui(50), new Date(), { battery_level: 64 });
      out = '';
      const sync = [
        'chirpstack',
        'sync',
        '--chirpstack',
        fake.target,
        '--registry',
        url,
        '--tenant',
        'site-cli',
      ];
      expect(await runCli(sync, io())).toBe(0);
      expect(out).toContain('Observed state: 1 written, 0 unchanged, 0 not in ChirpStack, 0 errors.');
      expect(patches[1]!.body).toMatchObject({
        data: { chirpstack: { state: 'active', battery_level: 64 } },
      });
    } finally {
      server.close();
    }
  });

  it('apply --prune prints what it will delete and, without a terminal, needs --yes (issue 11 item 6)', async () => {
    const apply = ['chirpstack', 'apply', '--spec', 'spec.json', '--chirpstack', fake.target];
    expect(await runCli(apply, io())).toBe(0);
    await writeFile(join(dir, 'spec.json'), JSON.stringify({ ...spec, devices: spec.devices.slice(0, 2) }));
    err = '';
    expect(await runCli([...apply, '--prune'], io())).toBe(2);
    expect(err).toContain('--prune will delete 1 entities:');
    expect(err).toContain(`- device ${eui(2)}`);
    expect(err).toContain('pass --yes to confirm');
    expect(fake.state.devices.size).toBe(3);
    const declined = { ...io(), confirm: async () => false };
    expect(await runCli([...apply, '--prune'], declined)).toBe(1);
    expect(fake.state.devices.size).toBe(3);
    expect(await runCli([...apply, '--prune', '--yes'], io())).toBe(0);
    expect(fake.state.devices.size).toBe(2);
  });

  it('export writes a fleet snapshot; missing options are usage errors', async () => {
    expect(
      await runCli(['chirpstack', 'apply', '--spec', 'spec.json', '--chirpstack', fake.target], io()),
    ).toBe(0);
    expect(
      await runCli(
        ['chirpstack', 'export', '--chirpstack', fake.target, '--site', 'site_0001', '--out', 'snap.json'],
        io(),
      ),
    ).toBe(0);
    const snap = JSON.parse(await readFile(join(dir, 'snap.json'), 'utf8'));
    expect(snap).toMatchObject({ snapshot_version: 1, site_id: 'site_0001' });
    expect(snap.devices).toHaveLength(3);
    expect(await runCli(['chirpstack', 'plan', '--spec', 'spec.json'], io())).toBe(2);
    expect(await runCli(['chirpstack', 'frobnicate', '--chirpstack', fake.target], io())).toBe(2);
  });
});

describe('fieldops gateway-config', () => {
  it('renders and checks a Semtech UDP config for AS923-2', async () => {
    expect(await runCli(['gateway-config', '--region', 'as923-2', '--forwarder', 'semtech-udp'], io())).toBe(
      0,
    );
    const doc = JSON.parse(out);
    expect(doc.gateway_conf.serv_port_up).toBe(1700);
    expect(doc.SX130x_conf.radio_0.freq).toBe(921_700_000);
  });

  it('writes a Gateway Bridge TOML under --out and checks files with --check', async () => {
    expect(
      await runCli(
        ['gateway-config', '--region', 'AS923-3', '--forwarder', 'gateway-bridge', '--out', 'gw'],
        io(),
      ),
    ).toBe(0);
    const toml = await readFile(join(dir, 'gw', 'chirpstack-gateway-bridge.toml'), 'utf8');
    expect(toml).toContain('as923_3/gateway/{{ .GatewayID }}/event/{{ .EventType }}');
    out = '';
    expect(
      await runCli(
        ['gateway-config', '--region', 'as923_3', '--check', 'gw/chirpstack-gateway-bridge.toml'],
        io(),
      ),
    ).toBe(0);
    expect(
      await runCli(
        ['gateway-config', '--region', 'as923_2', '--check', 'gw/chirpstack-gateway-bridge.toml'],
        io(),
      ),
    ).toBe(1);
    expect(err).toContain('as923_2/gateway/ prefix');
    expect(await runCli(['gateway-config', '--region', 'eu868', '--forwarder', 'semtech-udp'], io())).toBe(2);
    expect(
      await runCli(
        ['gateway-config', '--region', 'as923', '--forwarder', 'semtech-udp', '--stats-interval', 'x'],
        io(),
      ),
    ).toBe(2);
  });
});

describe('fieldops chirpstack with a YAML spec', () => {
  it('applies the fixture and converges', async () => {
    const fixture = new URL('./__fixtures__/provisioning.yaml', import.meta.url).pathname;
    const args = ['--spec', fixture, '--chirpstack', fake.target];
    expect(await runCli(['chirpstack', 'apply', ...args], io())).toBe(0);
    const device = fake.state.devices.get('70b3d57ed0000001');
    expect(device).toMatchObject({ join_eui: '70b3d57ed0000000', variables: { site: 'bkk' } });
    expect(fake.state.gateways.get('aa555a0000000001')?.location).toMatchObject({ latitude: 13.7563 });
    out = '';
    expect(await runCli(['chirpstack', 'plan', ...args, '--json'], io())).toBe(0);
    expect(JSON.parse(out).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  });
});
