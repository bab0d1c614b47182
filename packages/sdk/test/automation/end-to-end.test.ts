import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as automation from '@fieldops/contracts/automation/v1';
import * as kb from '@fieldops/contracts/kb/v1';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  createDefaultHandlers,
  type GatewayRegistrar,
  type RunResult,
  runSpec,
} from '../../src/automation/index.js';
import { createRegistryClient } from '../../src/registry/index.js';
import {
  createEnvProvider,
  createOnePasswordConnectProvider,
  createSecretResolver,
  createVaultProvider,
  Secret,
} from '../../src/secrets/index.js';
import { createRegistryMswKit } from '../../src/testing/index.js';
import { onePasswordConnectMock } from '../secrets/provider-mocks.js';
import { CANARY, captureLogger, fakeCommandRunner, proxmoxMock, readTree } from './helpers.js';

// The example spec shipped with the repository, run end to end.
const REPO = resolve(__dirname, '../../../..');
const SPEC_PATH = ['examples/specs/site-bkk-01.spec.json', 'examples/documents/site-bkk-01.spec.json']
  .map((p) => join(REPO, p))
  .find((p) => existsSync(p));

const REGISTRY = 'https://registry.test';
const REGISTRY_TOKEN = `${CANARY}-registry`;
const PVE_TOKEN = `${CANARY}-proxmox`;
const VAULT_TOKEN = `${CANARY}-vault-token`;
const OP_TOKEN = `${CANARY}-op-token`;
const VAULT: Record<string, Record<string, string>> = {
  'kv/data/site-bkk-01/chirpstack': {
    postgres_password: `${CANARY}-pg`,
    mqtt_password: `${CANARY}-mqtt`,
    api_secret: `${CANARY}-api-secret`,
    api_token: `${CANARY}-chirpstack-api`,
  },
  'kv/data/site-bkk-01/rfid': { db_password: `${CANARY}-rfid-db` },
};

const registryKit = createRegistryMswKit({ baseUrl: REGISTRY, backend: { apiTokens: [REGISTRY_TOKEN] } });
const pve = proxmoxMock({
  origin: 'https://pve-bkk-01.lan:8006',
  tokenId: 'automation@pve!fieldops',
  tokenSecret: PVE_TOKEN,
});
const server = setupServer(
  ...registryKit.handlers,
  ...pve.handlers,
  http.get('https://vault.ops.test/v1/*', ({ request }) => {
    if (request.headers.get('x-vault-token') !== VAULT_TOKEN)
      return HttpResponse.json({ errors: ['permission denied'] }, { status: 403 });
    const path = new URL(request.url).pathname.slice('/v1/'.length);
    const data = VAULT[path];
    return data
      ? HttpResponse.json({ data: { data, metadata: { version: 1 } } })
      : HttpResponse.json({ errors: [] }, { status: 404 });
  }),
  ...onePasswordConnectMock({
    origin: 'http://op-connect.test',
    token: OP_TOKEN,
    vaults: [
      {
        id: 'v0psaaaaaaaaaaaaaaaaaaaaaa',
        name: 'ops',
        items: [
          {
            id: 'i1aaaaaaaaaaaaaaaaaaaaaaaa',
            title: 'proxmox-bkk-01',
            fields: [{ id: 'f1', type: 'CONCEALED', label: 'token', value: PVE_TOKEN }],
          },
        ],
      },
    ],
  }).handlers,
);

let tcp: TcpServer;
let udp: Socket;
let web: HttpServer;
let webStatus = 200;
const ports = { tcp: 0, udp: 0, web: 0 };

beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (req, print) => {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error();
    },
  });
  tcp = createTcpServer((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  ports.tcp = (tcp.address() as AddressInfo).port;
  udp = createSocket('udp4');
  udp.on('message', (m, ri) => udp.send(m, ri.port, ri.address));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  ports.udp = udp.address().port;
  web = createHttpServer((_req, res) => {
    res
      .writeHead(webStatus, { 'content-type': 'application/json' })
      .end(webStatus === 200 ? '{"status":"ok"}' : '{"status":"down"}');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  ports.web = (web.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await new Promise((r) => tcp.close(r));
  await new Promise<void>((r) => udp.close(() => r()));
  await new Promise((r) => web.close(r));
});
beforeEach(() => registryKit.reset());

function fakeRegistrar() {
  const calls: { target: string; token: string; tenant: string; eui: string }[] = [];
  const registrar: GatewayRegistrar = {
    async registerGateway(cs, gw) {
      calls.push({ target: cs.target, token: cs.apiToken.reveal(), tenant: gw.tenant, eui: gw.gateway_eui });
      return { created: true, tenant_id: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242' };
    },
    async gatewayState() {
      return 'online';
    },
  };
  return { registrar, calls };
}

async function runExample(): Promise<{
  result: RunResult;
  logs: string[];
  kbRoot: string;
  workDir: string;
  registrarCalls: ReturnType<typeof fakeRegistrar>['calls'];
  commands: ReturnType<typeof fakeCommandRunner>['calls'];
}> {
  if (!SPEC_PATH) throw new Error('the example spec examples/specs/site-bkk-01.spec.json is missing');
  const spec = JSON.parse(await readFile(SPEC_PATH, 'utf8'));
  const kbRoot = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
  const workDir = await mkdtemp(join(tmpdir(), 'fieldops-compose-'));
  const { lines, logger } = captureLogger();
  const { runner, calls: commands } = fakeCommandRunner(() => ({ stdout: 'done\n' }));
  const { registrar, calls: registrarCalls } = fakeRegistrar();
  const secrets = createSecretResolver({
    providers: [
      createEnvProvider({ env: {} }),
      createVaultProvider({ address: 'https://vault.ops.test', token: new Secret(VAULT_TOKEN) }),
      createOnePasswordConnectProvider({ url: 'http://op-connect.test', token: new Secret(OP_TOKEN) }),
    ],
  });
  const site = (host: string, port: number) =>
    host === 'bkk-01-edge.lan'
      ? { host: '127.0.0.1', port: port === 1700 ? ports.udp : ports.tcp }
      : { host, port };
  const handlers = createDefaultHandlers({
    compose: { runner, workDir },
    gateway: { registrar },
    health: {
      resolveAddress: site,
      fetch: (input, init) =>
        globalThis.fetch(
          String(input).replace('http://bkk-01-edge.lan/', `http://127.0.0.1:${ports.web}/`),
          init,
        ),
      stations: {
        stationState: async (s) => (s.device_id === 'dev_01jd8y3k2m00000000000000r1' ? 'online' : 'offline'),
      },
    },
  });
  const result = await runSpec(spec, {
    handlers,
    registry: createRegistryClient({
      baseUrl: REGISTRY,
      token: new Secret(REGISTRY_TOKEN),
      logger,
      retry: false,
    }),
    kb: { root: kbRoot, baseUrl: 'https://kb.test', pagesUrl: 'https://kb.test/runs/' },
    secrets,
    logger,
    sleep: async () => {},
    events: { emit: (e) => void lines.push(JSON.stringify(e)) },
  });
  return { result, logs: lines, kbRoot, workDir, registrarCalls, commands };
}

/** Validates every file of a bundle against the kb contract; returns the files. */
async function validateBundle(dir: string) {
  const files = await readTree(dir);
  const bundle = kb.RunBundle.parse(JSON.parse(files.get('run.json')!));
  for (const log of bundle.logs) {
    const lines = files.get(log.path)!.trimEnd().split('\n');
    expect(lines).toHaveLength(log.lines!);
    for (const l of lines) kb.LogEntry.parse(JSON.parse(l));
  }
  for (const s of bundle.snapshots) kb.ConfigSnapshot.parse(JSON.parse(files.get(s.path)!));
  for (const a of bundle.artifacts) expect(files.has(a.path!), a.path).toBe(true);
  if (bundle.postmortem) {
    const [, front] = files.get(bundle.postmortem)!.split(/^---$/m);
    kb.PostmortemFrontMatter.parse(parseYaml(front!));
  }
  // Every file is listed somewhere in run.json.
  const listed = new Set([
    'run.json',
    ...bundle.logs.map((l) => l.path),
    ...bundle.snapshots.map((s) => s.path),
    ...bundle.artifacts.map((a) => a.path!),
    ...(bundle.postmortem ? [bundle.postmortem] : []),
  ]);
  expect([...files.keys()].filter((f) => !listed.has(f))).toEqual([]);
  return { files, bundle };
}

function expectNoCanary(where: string, texts: Iterable<[string, string]>) {
  let hits = 0;
  for (const [name, text] of texts) {
    if (text.includes(CANARY)) {
      hits += 1;
      expect.fail(`${where}: canary secret found in ${name}`);
    }
  }
  expect(hits).toBe(0);
}

describe('the example spec end to end (MSW Proxmox, Vault, 1Password, registry kit; fake docker; loopback health checks)', () => {
  it('succeeds, writes a valid bundle and the run record back, and leaks no secret', async () => {
    webStatus = 200;
    const { result, logs, kbRoot, workDir, registrarCalls, commands } = await runExample();
    expect(result.record.steps.map((s) => [s.step_id, s.status])).toEqual([
      ['provision-vm', 'succeeded'],
      ['deploy-chirpstack', 'succeeded'],
      ['deploy-rfid', 'succeeded'],
      ['configure-gateway', 'succeeded'],
      ['health-checks', 'succeeded'],
      ['ticket-on-failure', 'skipped'],
    ]);
    expect(result.status).toBe('succeeded');
    expect(result.bundleDir).toBe(
      join(
        kbRoot,
        'projects/site-bkk-01/runs',
        result.record.queued_at.slice(0, 10),
        result.record.automation_run_id,
      ),
    );
    const { files, bundle } = await validateBundle(result.bundleDir!);
    expect(bundle.run.status).toBe('succeeded');
    expect(bundle.postmortem).toBeUndefined();
    expect([...files.keys()].filter((f) => f.startsWith('snapshots/')).sort()).toEqual([
      'snapshots/configure-gateway-forwarder.json',
      'snapshots/deploy-chirpstack-compose.json',
      'snapshots/deploy-chirpstack-env.json',
      'snapshots/deploy-rfid-compose.json',
      'snapshots/deploy-rfid-env.json',
      'snapshots/provision-vm-vm.json',
    ]);
    // The forwarder configuration comes from @fieldops/sdk/chirpstack's AS923-1 SX1302 template.
    const forwarder = JSON.parse(files.get('artifacts/configure-gateway/global_conf.json')!);
    expect(forwarder.gateway_conf).toMatchObject({
      gateway_ID: 'AC1F09FFFE0A0B01',
      server_address: 'bkk-01-edge.lan',
      serv_port_up: 1700,
      serv_port_down: 1700,
      stat_interval: 30,
    });
    expect(forwarder.SX130x_conf).toBeDefined();
    const snapshot = JSON.parse(files.get('snapshots/configure-gateway-forwarder.json')!);
    expect(snapshot).toMatchObject({
      format: 'json',
      content: { gateway_conf: { gateway_ID: 'AC1F09FFFE0A0B01' } },
    });

    // The registry holds the same record the bundle does.
    const stored = registryKit.backend.runs();
    expect(stored).toHaveLength(1);
    expect(automation.RunRecord.parse(stored[0])).toEqual(bundle.run);

    // Secrets reached their consumers, and nowhere else.
    expect(registrarCalls).toEqual([
      {
        target: 'bkk-01-edge.lan:8080',
        token: `${CANARY}-chirpstack-api`,
        tenant: 'coldchain-bkk',
        eui: 'ac1f09fffe0a0b01',
      },
    ]);
    expect(commands.filter((c) => c.args.includes('up')).map((c) => c.env)).toEqual([
      {
        POSTGRES_PASSWORD: `${CANARY}-pg`,
        MQTT_PASSWORD: `${CANARY}-mqtt`,
        CHIRPSTACK_API_SECRET: `${CANARY}-api-secret`,
        DOCKER_HOST: 'ssh://ops@bkk-01-edge.lan',
      },
      { RFID_DB_PASSWORD: `${CANARY}-rfid-db`, DOCKER_HOST: 'ssh://ops@bkk-01-edge.lan' },
    ]);
    // The scan sees what it should: registry client lines, runner lines, events, every bundle file.
    expect(logs.some((l) => l.includes('"operation":"createAutomationRun"'))).toBe(true);
    expect(logs.some((l) => l.includes('step provision-vm succeeded'))).toBe(true);
    expect(files.size).toBeGreaterThan(15);
    expectNoCanary('bundle', files);
    expectNoCanary('compose project', await readTree(workDir));
    expectNoCanary(
      'captured logs and events',
      logs.map((l, i) => [`line ${i}`, l]),
    );
    expectNoCanary('registry', [['runs', JSON.stringify(stored)]]);
  });

  it('a failing health check is retried, then opens a ticket with links and writes a postmortem', async () => {
    webStatus = 503;
    const { result, logs } = await runExample();
    expect(result.status).toBe('failed');
    const health = result.record.steps.find((s) => s.step_id === 'health-checks')!;
    expect(health).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'health_check_failed' } });
    expect(health.message).toContain('rfid backend (HTTP 503, expected 200)');
    expect(result.record.steps.at(-1)).toMatchObject({ step_id: 'ticket-on-failure', status: 'succeeded' });

    const tickets = registryKit.backend.tickets();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      title: 'Site bkk-01 deployment failed',
      severity: 'high',
      status: 'open',
    });
    const ticketCall = logs.find((l) => l.includes('"operation":"createTicket"'));
    expect(ticketCall).toBeDefined();
    expect(result.record.ticket_id).toBe(tickets[0]!.ticket_id);
    const bundleUrl = result.record.links.find((l) => l.rel === 'bundle')!.href;
    expect(bundleUrl).toMatch(
      /^https:\/\/kb\.test\/projects\/site-bkk-01\/runs\/\d{4}-\d\d-\d\d\/run_[0-9a-z]+\/$/,
    );
    // The run page, where @fieldops/docusaurus-plugin-runs routes it (routeBasePath `runs`).
    const [, date, runDir] = /runs\/(\d{4}-\d\d-\d\d)\/(run_[0-9a-z]+)\/$/.exec(bundleUrl)!;
    const pageUrl = `https://kb.test/runs/site-bkk-01/${date}/${runDir}/`;
    expect(result.record.links.find((l) => l.rel === 'kb_page')?.href).toBe(pageUrl);

    const { files, bundle } = await validateBundle(result.bundleDir!);
    expect(bundle.postmortem).toBe('postmortem.md');
    const postmortem = files.get('postmortem.md')!;
    expect(postmortem).toContain('failed_step: health-checks');
    expect(postmortem).toContain(`ticket_id: ${tickets[0]!.ticket_id}`);
    expect(postmortem).toContain('severity: high');
    const main = (links: { rel: string }[]) =>
      links.map((l) => l.rel).filter((r) => r !== 'artifact' && r !== 'snapshot');
    expect(main(result.record.links)).toEqual(['bundle', 'logs', 'kb_page', 'ticket', 'postmortem']);
    // Every artifact and snapshot is linked once, by step.
    const fileLinks = result.record.links.filter((l) => l.rel === 'artifact' || l.rel === 'snapshot');
    expect(
      fileLinks.map((l) => l.href.slice(l.href.indexOf('/run_') + 1).replace(/^run_[0-9a-z]+\//, '')).sort(),
    ).toEqual([...bundle.artifacts.map((a) => a.path!), ...bundle.snapshots.map((x) => x.path)].sort());
    expect(fileLinks.find((l) => l.href.endsWith('health-checks/health-checks.json'))?.step_id).toBe(
      'health-checks',
    );
    const stored = automation.RunRecord.parse(registryKit.backend.runs()[0]);
    expect(stored.status).toBe('failed');
    expect(stored.ticket_id).toBe(tickets[0]!.ticket_id);
    expect(stored.links).toEqual(result.record.links);
    // The three attempts are in the step log.
    const healthLog = files.get('logs/health-checks.ndjson')!;
    expect(healthLog.match(/FAIL rfid backend/g)).toHaveLength(3);
    const failedEvent = logs
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'io.fieldops.automation.run.failed.v1');
    expect(failedEvent.data).toMatchObject({
      status: 'failed',
      failed_step: 'health-checks',
      ticket_id: tickets[0]!.ticket_id,
      bundle_url: bundleUrl,
      site_id: 'site_01jd8y3k2m0000000000000001',
    });

    expectNoCanary('bundle', files);
    expectNoCanary(
      'captured logs and events',
      logs.map((l, i) => [`line ${i}`, l]),
    );
    expectNoCanary('registry', [['runs and tickets', JSON.stringify([registryKit.backend.runs(), tickets])]]);
  });
});
