// The skill as an OpenClaw user gets it (issue 12, item 8; decision 0045): the real `openclaw` 2026.9.6
// CLI on Node 24 installs the skill from a copy of its folder (tracked files only, no workspace links);
// `openclaw skills check` reports it missing its `fieldops-deploy-site` binary and offers the skill's node
// installer; OpenClaw's own installer (the code behind the Gateway's `skills.install`) runs
// `npm install -g --ignore-scripts @fieldops/openclaw-skill@^0.1.0`, npm taking the `@fieldops` packages
// from the packed tarballs (a loopback scope registry) and the rest from the usual registry; then the
// check reports the skill ready, and the installed command deploys the demo's sandbox site. When OpenClaw
// or Node 24 cannot be installed (no registry), the tests skip with a message, except under
// FIELDOPS_CI=1 where they fail.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ExecutionSpec } from '@fieldops/contracts/automation/v1';
import { type Sandbox, startSandbox } from '@fieldops/example-demo/sandbox';
import { simulateGatewayStats } from '@fieldops/example-demo/sandbox/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScopeRegistry, startScopeRegistry } from './support/npm-registry.js';

const HERE = resolve(import.meta.dirname, '..');
const REPO = resolve(HERE, '../..');
const SKILL = 'fieldops-deploy-site';
const OPENCLAW = 'openclaw@2026.9.6';
/** OpenClaw 2026.9 needs Node ≥ 24.16. */
const NODE = 'node@>=24.16 <25';
/** Kept across runs (installing OpenClaw takes minutes); FIELDOPS_OPENCLAW_TOOLS names another folder. */
const TOOLS =
  process.env.FIELDOPS_OPENCLAW_TOOLS ||
  join(REPO, 'node_modules/.cache/fieldops-openclaw', OPENCLAW.replace('@', '-'));
const PACKAGES = ['core', 'contracts', 'sdk', 'bus'];
const BIN = 'fieldops-deploy-site';
/** The endpoints the skill requires (SKILL.md `requires.env`). */
const ENDPOINTS = {
  FIELDOPS_REGISTRY_URL: 'https://crm.example.com',
  FIELDOPS_REGISTRY_TOKEN: 'token',
  FIELDOPS_RFID_URL: 'http://10.0.0.5:8080',
};
const execFileP = promisify(execFile);

interface Ran {
  code: number;
  /** stdout and stderr, interleaved. */
  out: string;
  stdout: string;
}

/**
 * This process's environment without vitest's variables (under VITEST, openclaw prints no JSON) and
 * without npm's `npm_config_*` ones: `npm test` exports its own config to the scripts it runs
 * (`npm_config_userconfig=~/.npmrc` among them), which would make the npm that OpenClaw spawns ignore
 * the test home's `.npmrc` and its scope registry.
 */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !/^npm_config_/i.test(k)),
);

/** Runs a command; resolves with its exit code and its stdout + stderr (never rejects on exit ≠ 0). */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      out += d;
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? 1, out, stdout }));
  });
}

/** Installs Node 24 and OpenClaw into TOOLS once (its postinstall refuses Node 20: scripts off). */
async function installTools(): Promise<string> {
  const bin = join(TOOLS, 'node_modules/.bin');
  const ready = await stat(join(bin, 'openclaw')).then(
    () => stat(join(bin, 'node')).then(() => true),
    () => false,
  );
  if (ready) return bin;
  await mkdir(TOOLS, { recursive: true });
  await writeFile(join(TOOLS, 'package.json'), '{"name":"fieldops-openclaw-tools","private":true}\n');
  for (const args of [[NODE], ['--ignore-scripts', OPENCLAW]]) {
    const r = await run('npm', ['install', '--no-audit', '--no-fund', ...args], TOOLS);
    if (r.code !== 0) throw new Error(`npm install ${args.join(' ')} failed:\n${r.out.slice(-2000)}`);
  }
  return bin;
}

/** Packs the skill's package and the published packages it needs; returns the tarball paths. */
async function packTarballs(dest: string): Promise<string[]> {
  for (const p of PACKAGES) {
    // The build ran before the tests; prepack would build again (scripts/prepack.mjs).
    const r = await run('pnpm', ['pack', '--pack-destination', dest], join(REPO, 'packages', p), {
      FIELDOPS_SKIP_PREPACK: '1',
    });
    if (r.code !== 0) throw new Error(`pnpm pack ${p} failed:\n${r.out}`);
  }
  // The skill's own package: its prepack builds dist/deploy-site.js (a few seconds).
  const skill = await run('pnpm', ['pack', '--pack-destination', dest], HERE);
  if (skill.code !== 0) throw new Error(`pnpm pack the skill failed:\n${skill.out}`);
  return (await readdir(dest)).filter((f) => f.endsWith('.tgz')).map((f) => join(dest, f));
}

/** Copies the skill folder as a clone has it: tracked and new files, no node_modules links. */
async function stageSkill(dest: string): Promise<void> {
  const { stdout } = await execFileP('git', ['ls-files', '--cached', '--others', '--exclude-standard', '.'], {
    cwd: HERE,
  });
  for (const file of stdout.split('\n').filter(Boolean)) {
    const exists = await stat(join(HERE, file)).then(
      () => true,
      () => false,
    );
    if (!exists) continue; // deleted in the work tree
    await mkdir(dirname(join(dest, file)), { recursive: true });
    await cp(join(HERE, file), join(dest, file));
  }
}

interface Check {
  eligible: string[];
  missingRequirements: { name: string; missing: { bins: string[]; env: string[] }; install: unknown[] }[];
}

describe('the skill installed by the real openclaw CLI on Node 24', () => {
  let bin: string | undefined;
  let why = '';
  let dir: string;
  let home: string;
  let installed: string;
  let registry: ScopeRegistry | undefined;
  let path: string;
  /** Where OpenClaw's node installer puts global packages (buildNodeInstallEnv, as a non-root user). */
  let prefix: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openclaw-skill-'));
    try {
      bin = await installTools();
    } catch (error) {
      why = (error as Error).message;
      if (process.env.FIELDOPS_CI === '1') throw error;
      console.warn(`SKIPPED: openclaw on Node 24 could not be installed here; ${why.split('\n')[0]}`);
      return;
    }
    path = `${bin}:${process.env.PATH}`;
    home = join(dir, 'home');
    await mkdir(home);
    await stageSkill(join(dir, SKILL));
    registry = await startScopeRegistry(await packTarballs(await mkdtemp(join(dir, 'tarballs-'))));
    // What a team with a private registry writes in ~/.npmrc: the `@fieldops` scope comes from there.
    await writeFile(join(home, '.npmrc'), `@fieldops:registry=${registry.url}\n`);
    installed = join(home, '.openclaw/workspace/skills', SKILL);
    prefix = join(home, '.openclaw/tools/node/npm');
  }, 900_000);
  afterAll(async () => {
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The environment of every openclaw/npm call: the test's HOME, Node 24 first on PATH, npm's cache kept. */
  const env = (extra: Record<string, string> = {}) => ({
    HOME: home,
    PATH: path,
    npm_config_cache: process.env.npm_config_cache || join(homedir(), '.npm'),
    npm_config_userconfig: join(home, '.npmrc'),
    ...extra,
  });
  const check = async (extra: Record<string, string>): Promise<Check> => {
    const r = await run('openclaw', ['skills', 'check', '--json'], dir, env(extra));
    expect(r.code, r.out).toBe(0);
    return JSON.parse(r.stdout) as Check;
  };

  it("`openclaw skills install` takes the folder; `skills check` names the missing command and the skill's node installer", async (ctx) => {
    if (!bin) return ctx.skip(why);
    const version = await run('node', ['--version'], dir, env());
    expect(version.out.trim()).toMatch(/^v24\./);
    const install = await run('openclaw', ['skills', 'install', join(dir, SKILL)], dir, env());
    expect(install.code, install.out).toBe(0);
    expect(await readFile(join(installed, 'SKILL.md'), 'utf8')).toContain(`name: ${SKILL}`);

    // With the endpoints set and the command not installed: not ready, and the check says what is
    // missing and which installer provides it (openclaw 2026.9.6: the spec parsed by parseInstallSpec,
    // dist/frontmatter-2H_F0IFB.mjs:43; one option per skill, normalizeInstallOptions,
    // dist/status-BSyTpTh2.mjs:45-87; printed by formatSkillsCheck, dist/skills-cli-0OwXCLiF.mjs:479-483).
    const before = await check(ENDPOINTS);
    expect(before.eligible).not.toContain(SKILL);
    const missing = before.missingRequirements.find((s) => s.name === SKILL);
    expect(missing?.missing.bins).toEqual([BIN]);
    expect(missing?.missing.env).toEqual([]);
    expect(missing?.install).toEqual([expect.objectContaining({ id: 'node', kind: 'node', bins: [BIN] })]);
    // Without the endpoints it names, the environment is missing too: the check reads our metadata.
    const bare = await check(Object.fromEntries(Object.keys(ENDPOINTS).map((k) => [k, ''])));
    expect(bare.missingRequirements.find((s) => s.name === SKILL)?.missing.env.sort()).toEqual(
      Object.keys(ENDPOINTS).sort(),
    );
  }, 600_000);

  it("OpenClaw's node installer installs the command from the packed tarballs; `skills check` then reports the skill ready", async (ctx) => {
    if (!bin) return ctx.skip(why);
    const openclaw = join(TOOLS, 'node_modules/openclaw');
    const r = await run(
      'node',
      [
        join(HERE, 'test/support/openclaw-install.mjs'),
        openclaw,
        join(home, '.openclaw/workspace'),
        SKILL,
        'node',
      ],
      dir,
      env(),
    );
    expect(r.code, r.out).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: boolean; message: string };
    expect(result.ok, r.out).toBe(true);
    // npm asked our scope registry for the skill's package and the @fieldops packages it depends on.
    expect(registry!.requested).toEqual(
      expect.arrayContaining([
        '@fieldops/openclaw-skill',
        '@fieldops/sdk',
        '@fieldops/contracts',
        '@fieldops/bus',
      ]),
    );
    expect((await stat(join(prefix, 'bin', BIN))).isFile()).toBe(true);

    // OpenClaw looks binaries up on PATH (hasBinary, dist/config-eval-BOec6g4L.mjs:101): with the
    // installer's prefix on it, the skill is ready.
    const after = await check({ ...ENDPOINTS, PATH: `${join(prefix, 'bin')}:${path}` });
    expect(after.eligible).toContain(SKILL);
    expect(after.missingRequirements.map((s) => s.name)).not.toContain(SKILL);
  }, 900_000);

  describe('the installed command deploys the demo sandbox site', () => {
    let sb: Sandbox;
    let spec: ExecutionSpec;
    let stats: { stop(): void } | undefined;
    beforeAll(async () => {
      spec = ExecutionSpec.parse(
        JSON.parse(await readFile(join(REPO, 'examples/documents/site-bkk-01.spec.json'), 'utf8')),
      );
      sb = await startSandbox(spec, await mkdtemp(join(tmpdir(), 'openclaw-sandbox-')));
      const gateway = spec.targets.gateways[0]!;
      stats = simulateGatewayStats(sb.chirpstack, gateway.gateway_eui.toLowerCase(), 20);
    }, 300_000);
    afterAll(async () => {
      stats?.stop();
      await sb?.close();
    });

    it("`fieldops-deploy-site` from the installer's prefix runs on Node 24 and the run succeeds", async (ctx) => {
      if (!bin) return ctx.skip(why);
      // The installed package resolves @fieldops/sdk inside the global prefix, not from this repository.
      const pkg = join(prefix, 'lib/node_modules/@fieldops/openclaw-skill');
      const where = await run(
        'node',
        ['--input-type=module', '-e', "console.log(import.meta.resolve('@fieldops/sdk/rfid'))"],
        pkg,
        env(),
      );
      expect(where.out.trim()).toContain(`${prefix}/lib/node_modules/`);
      expect(where.out.trim()).not.toContain(REPO);

      const deploy = await run(
        BIN,
        [
          '--deployment-id',
          spec.deployment_id,
          '--kb',
          join(dir, 'kb'),
          ...sb.resolve.flatMap((x) => ['--resolve', x]),
          '--existing-vm',
          '127.0.0.1',
          '--docker-dry-run',
          '--max-backoff-ms',
          '200',
          '--outbox',
          join(dir, 'outbox'),
        ],
        dir,
        env({ PATH: `${join(prefix, 'bin')}:${path}`, ...sb.env }),
      );
      const last = deploy.out.split('\n').find((l) => l.startsWith('result '));
      expect(deploy.code, deploy.out).toBe(0);
      const result = JSON.parse(last!.slice('result '.length)) as { status: string; bundle_dir: string };
      expect(result.status).toBe('succeeded');
      expect(JSON.parse(await readFile(join(result.bundle_dir, 'run.json'), 'utf8')).run.status).toBe(
        'succeeded',
      );
      expect([...sb.chirpstack.state.devices.keys()].sort()).toEqual(
        spec.targets.devices.map((d) => d.dev_eui).sort(),
      );
      expect(deploy.out).not.toMatch(/ExperimentalWarning|ERR_MODULE_NOT_FOUND/);
      for (const s of sb.secrets) expect(deploy.out).not.toContain(s);
    }, 600_000);
  });
});
