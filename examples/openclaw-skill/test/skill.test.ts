import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ExecutionSpec } from '@fieldops/contracts/automation/v1';
// The demo's sandbox (every system the skill talks to, on loopback) serves as the skill's test bed.
import { type Sandbox, startSandbox } from '@fieldops/example-demo/sandbox';
import { resetDeprecationWarnings } from '@fieldops/sdk/rfid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { deploySite } from '../scripts/lib/deploy-site.js';
import { parseOptions, USAGE, UsageError } from '../scripts/lib/options.js';
import { createSiteMap } from '../scripts/lib/site-map.js';

const HERE = resolve(import.meta.dirname, '..');
const REPO = resolve(HERE, '../..');
const run = promisify(execFile);

describe('SKILL.md', () => {
  it('has the front matter OpenClaw reads: name, description, single-line JSON metadata with requirements', async () => {
    const text = await readFile(join(HERE, 'SKILL.md'), 'utf8');
    const [, front] = text.split(/^---$/m);
    const data = parseYaml(front!) as Record<string, any>;
    expect(data.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(String(data.description).length).toBeGreaterThan(40);
    // OpenClaw's embedded parser reads single-line keys: metadata is one line of JSON.
    const line = front!.split('\n').find((l) => l.startsWith('metadata:'))!;
    const metadata = JSON.parse(line.slice('metadata:'.length));
    expect(metadata).toEqual(data.metadata);
    expect(metadata.openclaw.requires.bins).toEqual(['fieldops-deploy-site']);
    for (const name of metadata.openclaw.requires.env) expect(USAGE).toContain(name);
    expect(text).toContain('fieldops-deploy-site --deployment-id');
  });

  it('references/cli.md carries the usage text the script prints', async () => {
    expect(await readFile(join(HERE, 'references/cli.md'), 'utf8')).toContain(USAGE);
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/deploy-site.ts', '--help'], {
      cwd: HERE,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect((r as { stderr: string }).stderr).toContain(USAGE);
  });
});

describe('the published package @fieldops/openclaw-skill (what OpenClaw installs; issue 12 item 8)', () => {
  it('SKILL.md has OpenClaw install this package at its own version for the command it requires', async () => {
    const manifest = JSON.parse(await readFile(join(HERE, 'package.json'), 'utf8'));
    const [, front] = (await readFile(join(HERE, 'SKILL.md'), 'utf8')).split(/^---$/m);
    const data = parseYaml(front!) as Record<string, any>;
    const bins = Object.keys(manifest.bin);
    expect(bins).toEqual(['fieldops-deploy-site']);
    expect(manifest.bin['fieldops-deploy-site']).toBe('./dist/deploy-site.js');
    expect(data.version).toBe(manifest.version);
    expect(data.metadata.openclaw.requires.bins).toEqual(bins);
    // OpenClaw takes a node package as an exact version or a dist-tag, never a range: a range makes
    // it drop the install spec (openclaw 2026.9.6 dist/npm-registry-spec-CjcsDXUg.mjs:83-86, used by
    // normalizeSafeNpmSpec and parseInstallSpec, dist/frontmatter-2H_F0IFB.mjs:20-24, :60-61 and :82).
    expect(data.metadata.openclaw.install).toEqual([
      {
        id: 'node',
        kind: 'node',
        package: `${manifest.name}@${manifest.version}`,
        bins,
        label: 'Install fieldops-deploy-site (npm)',
      },
    ]);
    expect(manifest.private).toBeUndefined();
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'SKILL.md', 'LICENSE']));
  });

  it('declares every package the scripts import, at the versions this repository publishes', async () => {
    const manifest = JSON.parse(await readFile(join(HERE, 'package.json'), 'utf8'));
    const deps: Record<string, string> = manifest.dependencies;
    expect(manifest.type).toBe('module');
    const sources = await Promise.all(
      ['deploy-site.ts', ...(await readdir(join(HERE, 'scripts/lib'))).map((f) => `lib/${f}`)].map((f) =>
        readFile(join(HERE, 'scripts', f), 'utf8'),
      ),
    );
    const imported = new Set(
      sources.flatMap((s) => [...s.matchAll(/from '((?:@[^/']+\/)?[^/'.][^/']*)[^']*'/g)].map((m) => m[1]!)),
    );
    for (const name of [...imported].filter((n) => !n.startsWith('node:')))
      expect(deps).toHaveProperty([name]);
    const sdk = JSON.parse(await readFile(join(REPO, 'packages/sdk/package.json'), 'utf8'));
    for (const [name, range] of Object.entries(deps)) {
      // pnpm pack writes `^<version>` of the workspace package for `workspace:^`.
      if (name.startsWith('@fieldops/')) expect(range, name).toBe('workspace:^');
      else if (sdk.peerDependencies[name]) expect(range, name).toBe(sdk.peerDependencies[name]);
    }
    // The ChirpStack entry the reconcile step imports needs the sdk's optional gRPC peers.
    for (const peer of ['@grpc/grpc-js', '@chirpstack/chirpstack-api', 'google-protobuf']) {
      expect(deps).toHaveProperty([peer]);
    }
  });

  it('runs under Node type stripping: relative imports name .ts files', async () => {
    for (const f of [
      'deploy-site.ts',
      ...(await readdir(join(HERE, 'scripts/lib'))).map((x) => `lib/${x}`),
    ]) {
      const text = await readFile(join(HERE, 'scripts', f), 'utf8');
      expect(text, f).not.toMatch(/from '\.{1,2}\/[^']*\.js'/);
    }
  });
});

describe('options and the site map', () => {
  const env = { FIELDOPS_REGISTRY_URL: 'https://crm.test', FIELDOPS_RFID_URL: 'http://10.0.0.5:8080' };
  it('reads endpoints from the environment and --resolve overrides', () => {
    const o = parseOptions(['--spec', 'x.json', '--resolve', 'Edge.lan:8080=127.0.0.1:9000'], env);
    expect(o.registryUrl).toBe('https://crm.test');
    const site = createSiteMap(o.resolve);
    expect(site.target('edge.lan:8080')).toBe('127.0.0.1:9000');
    expect(site.address('edge.lan', 8080)).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(site.address('other.lan', 1700)).toEqual({ host: 'other.lan', port: 1700 });
    expect(
      createSiteMap(new Map([['edge.lan:80', '127.0.0.1:81']])).url('http://edge.lan/api/v1/health'),
    ).toBe('http://127.0.0.1:81/api/v1/health');
  });
  it('refuses ambiguous or malformed input', () => {
    expect(() => parseOptions([], env)).toThrow(UsageError);
    expect(() => parseOptions(['--spec', 'a', '--deployment-id', 'b'], env)).toThrow(/exactly one/);
    expect(() => parseOptions(['--spec', 'a', '--resolve', 'nope'], env)).toThrow(/host:port=host:port/);
    expect(() => parseOptions(['--spec', 'a'], {})).toThrow(/--registry/);
  });
});

describe('deploy-site against the sandbox', () => {
  let sb: Sandbox;
  let dir: string;
  let spec: ExecutionSpec;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skill-'));
    spec = ExecutionSpec.parse(
      JSON.parse(await readFile(join(REPO, 'examples/documents/site-bkk-01.spec.json'), 'utf8')),
    );
    sb = await startSandbox(spec, dir);
    // The sandbox starts notify as its own process on PGlite: seconds of WASM start on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('--dry-run prints the plan and changes nothing', async () => {
    const lines: string[] = [];
    const options = parseOptions(
      [
        '--deployment-id',
        spec.deployment_id,
        '--dry-run',
        '--outbox',
        join(dir, 'outbox-dry'),
        ...sb.resolve.flatMap((x) => ['--resolve', x]),
      ],
      sb.env,
    );
    const result = await deploySite(options, { print: (l) => lines.push(l), env: sb.env });
    expect(result).toEqual({ status: 'dry_run' });
    const text = lines.join('\n');
    expect(text).toContain('plan 7 create, 0 update, 0 unchanged');
    expect(text).toMatch(/register gateway bkk-01-gw-roof/);
    expect(sb.chirpstack.state.tenants.size).toBe(0);
    // The CRM sees that a dry run happened (the runner records it, flagged), and nothing else changed.
    expect(sb.registry.backend.runs().map((r) => r.dry_run)).toEqual([true]);
    expect(sb.registry.backend.tickets()).toEqual([]);
    expect(sb.rfid.backend.counts()).toEqual({ stations: 0, events: 0 });
  });

  it('deploys the example site from the spec file, then fails with a ticket when the gateway is never seen', async () => {
    const lines: string[] = [];
    const options = parseOptions(
      [
        '--spec',
        join(REPO, 'examples/documents/site-bkk-01.spec.json'),
        '--kb',
        join(dir, 'kb'),
        ...sb.resolve.flatMap((x) => ['--resolve', x]),
        '--existing-vm',
        '127.0.0.1',
        '--docker-dry-run',
        '--max-backoff-ms',
        '10',
        '--outbox',
        join(dir, 'outbox'),
      ],
      sb.env,
    );
    // The gateway never sends stats here: the gateway-online check fails after its retries.
    // The skill speaks rfid.v2: no deprecation warning (v1's answers carry `Deprecation`, and the
    // client would warn once per process: start a fresh "process" for that).
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    resetDeprecationWarnings();
    process.on('warning', onWarning);
    let result: Awaited<ReturnType<typeof deploySite>>;
    try {
      result = await deploySite(options, { print: (l) => lines.push(l), env: sb.env });
      await new Promise((r) => setImmediate(r)); // process.emitWarning emits on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => (w as { code?: string }).code === 'FIELDOPS_CONTRACT_DEPRECATED')).toEqual(
      [],
    );
    // Commissioning reads went in over v2 without a made-up station health: the status reports none.
    const stations = spec.targets.stations.length;
    expect(sb.rfid.backend.counts()).toEqual({ stations, events: stations * 4 });
    const noted = lines.flatMap((l) => /(stn_\w+): no health reported by the station yet/.exec(l)?.[1] ?? []);
    expect(noted).toHaveLength(stations);
    for (const id of noted) expect(await sb.rfid.backend.status(id)).toMatchObject({ health: null });
    expect(result.status).toBe('failed');
    expect(result.ticket_id).toBe(sb.registry.backend.tickets()[0]?.ticket_id);
    // The run events went through the skill's outbox and its relay to notify's HTTP ingest.
    expect(lines.join('\n')).toMatch(
      /run events: 2 through the outbox \(.*outbox\), all delivered to notify/,
    );
    expect((await sb.notify.alerts()).map((a) => a.labels.alertname)).toContain('AutomationRunFailed');
    expect(lines.filter((l) => /^\[\d\/5\] (ok|failed)/.test(l)).map((l) => l.slice(0, 13).trim())).toEqual([
      '[1/5] ok',
      '[2/5] ok',
      '[3/5] ok',
      '[4/5] ok',
      '[5/5] failed',
    ]);
    expect(lines.join('\n')).toContain('chirpstack_gateway_online ac1f09fffe0a0b01');
    const postmortem = await readFile(join(result.bundle_dir!, 'postmortem.md'), 'utf8');
    expect(postmortem).toContain('failed_step: health-checks');
    // Reconciled from the registry: both sensors exist in ChirpStack, with their DevEUIs written back.
    expect([...sb.chirpstack.state.devices.keys()].sort()).toEqual(
      spec.targets.devices.map((d) => d.dev_eui).sort(),
    );
    // Nothing secret in what it printed.
    for (const s of sb.secrets) expect(lines.join('\n')).not.toContain(s);
  });
});
