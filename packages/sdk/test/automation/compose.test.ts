import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'yaml';
import {
  createDeployComposeStackHandler,
  renderComposeProject,
  runSpec,
} from '../../src/automation/index.js';
import { createEnvProvider, createSecretResolver } from '../../src/secrets/index.js';
import { buildSpec, CANARY, fakeCommandRunner, readTree } from './helpers.js';

const chirpstack = {
  id: 'deploy-chirpstack',
  kind: 'deploy_compose_stack',
  stack: 'chirpstack',
  project_name: 'chirpstack',
  version: '4.19.0',
  region: 'as923_2',
  docker_host: 'ssh://ops@edge.test',
  lan_address: '10.20.0.5',
  env: { TZ: 'Asia/Bangkok' },
  secrets: {
    POSTGRES_PASSWORD: 'env:PG_PASSWORD',
    MQTT_PASSWORD: 'env:MQTT',
    CHIRPSTACK_API_SECRET: 'env:API',
  },
};

const SECRET_ENV = { PG_PASSWORD: CANARY, MQTT: `${CANARY}-mqtt`, API: `${CANARY}-api` };

describe('deploy_compose_stack', () => {
  it('renders the project with references only and runs the exact docker compose commands', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'fieldops-compose-'));
    const kbRoot = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const { runner, calls } = fakeCommandRunner((args) =>
      args.includes('up') ? { stdout: 'Container chirpstack-chirpstack-1  Started\n' } : {},
    );
    const result = await runSpec(buildSpec([chirpstack]), {
      handlers: { deploy_compose_stack: createDeployComposeStackHandler({ runner, workDir }) },
      secrets: createSecretResolver({ providers: [createEnvProvider({ env: SECRET_ENV })] }),
      kb: { root: kbRoot },
    });
    expect(result.status).toBe('succeeded');
    const dir = join(workDir, 'chirpstack');
    const common = [
      'compose',
      '--project-name',
      'chirpstack',
      '--project-directory',
      dir,
      '--file',
      join(dir, 'compose.yaml'),
      '--env-file',
      join(dir, 'fieldops.env'),
    ];
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['docker', ...common, 'config', '--quiet'],
      ['docker', ...common, 'pull'],
      ['docker', ...common, 'up', '--detach', '--wait', '--remove-orphans'],
    ]);
    for (const c of calls) {
      expect(c.cwd).toBe(dir);
      expect(c.env).toEqual({
        POSTGRES_PASSWORD: CANARY,
        MQTT_PASSWORD: `${CANARY}-mqtt`,
        CHIRPSTACK_API_SECRET: `${CANARY}-api`,
        DOCKER_HOST: 'ssh://ops@edge.test',
      });
    }

    const compose = await readFile(join(dir, 'compose.yaml'), 'utf8');
    expect(compose).toContain('image: "chirpstack/chirpstack:4.19.0"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose/env reference, on purpose
    expect(compose).toContain('      TZ: ${TZ}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose/env reference, on purpose
    expect(compose).toContain('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}');
    expect(compose).toContain('"10.20.0.5:1700:1700/udp"');
    expect(await readFile(join(dir, 'fieldops.env'), 'utf8')).toContain('TZ="Asia/Bangkok"');
    const bridge = await readFile(
      join(dir, 'configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml'),
      'utf8',
    );
    expect(bridge).toContain(
      'event_topic_template = "as923_2/gateway/{{ .GatewayID }}/event/{{ .EventType }}"',
    );
    const toml = await readFile(join(dir, 'configuration/chirpstack/chirpstack.toml'), 'utf8');
    expect(toml).toContain('enabled_regions = ["as923_2"]');
    expect(toml).toContain('$POSTGRES_PASSWORD@');

    // Nothing on disk (project dir and bundle) holds the secret; the bundle has the rendered files.
    const files = new Map([...(await readTree(workDir)), ...(await readTree(kbRoot))]);
    for (const [path, text] of files) expect(text.includes(CANARY), path).toBe(false);
    const bundle = await readTree(result.bundleDir!);
    expect([...bundle.keys()].sort()).toEqual([
      'artifacts/deploy-chirpstack/compose.yaml',
      'artifacts/deploy-chirpstack/configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml',
      'artifacts/deploy-chirpstack/configuration/chirpstack/chirpstack.toml',
      'artifacts/deploy-chirpstack/configuration/chirpstack/region_as923_2.toml',
      'artifacts/deploy-chirpstack/configuration/fieldops-agent/mqtt.yaml',
      'artifacts/deploy-chirpstack/configuration/mosquitto/config/mosquitto.conf',
      'artifacts/deploy-chirpstack/configuration/postgresql/initdb/001-chirpstack_extensions.sh',
      'artifacts/deploy-chirpstack/fieldops.env',
      'logs/deploy-chirpstack.ndjson',
      'logs/run.ndjson',
      'run.json',
      'snapshots/deploy-chirpstack-compose.json',
      'snapshots/deploy-chirpstack-env.json',
    ]);
    const stdout = bundle
      .get('logs/deploy-chirpstack.ndjson')!
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(stdout).toContainEqual(
      expect.objectContaining({ stream: 'stdout', msg: 'Container chirpstack-chirpstack-1  Started' }),
    );
  });

  it("refuses a secret that would break ChirpStack's TOML or DSN, naming it but not its value", async () => {
    const { runner, calls } = fakeCommandRunner();
    const result = await runSpec(buildSpec([chirpstack]), {
      handlers: {
        deploy_compose_stack: createDeployComposeStackHandler({
          runner,
          workDir: await mkdtemp(join(tmpdir(), 'c-')),
        }),
      },
      secrets: createSecretResolver({
        providers: [createEnvProvider({ env: { ...SECRET_ENV, PG_PASSWORD: `${CANARY}/"x` } })],
      }),
    });
    expect(result.record.steps[0]?.error?.message).toBe(
      "@fieldops/sdk/automation: step deploy-chirpstack: the value of POSTGRES_PASSWORD breaks ChirpStack's configuration: letters, digits and . _ ~ - only (it is pasted into the postgres:// DSN)",
    );
    expect(calls).toEqual([]);
  });

  it('fails with the exit code and the last stderr line', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'fieldops-compose-'));
    const { runner } = fakeCommandRunner((args) =>
      args.includes('pull')
        ? { exitCode: 18, stderr: 'pulling\nError response from daemon: manifest unknown\n' }
        : {},
    );
    const result = await runSpec(buildSpec([{ ...chirpstack, retry: { max_attempts: 2 } }]), {
      handlers: { deploy_compose_stack: createDeployComposeStackHandler({ runner, workDir }) },
      secrets: createSecretResolver({ providers: [createEnvProvider({ env: SECRET_ENV })] }),
      sleep: async () => {},
    });
    expect(result.record.steps[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: {
        code: 'command_failed',
        message:
          '@fieldops/sdk/automation: docker compose pull exited 18: Error response from daemon: manifest unknown',
      },
    });
  });

  it('renders the rfid and crm stacks and refuses a stack without its required secret', () => {
    const rfid = renderComposeProject(
      {
        id: 'r',
        kind: 'deploy_compose_stack',
        stack: 'rfid',
        project_name: 'rfid',
        version: '1.8.2',
        lan_address: '10.20.0.6',
        secrets: { RFID_DB_PASSWORD: 'env:X', RFID_API_TOKEN: 'env:Y' },
      },
      { deploymentId: 'dep_test1', images: { rfid: 'registry.lan/rfid' } },
    );
    expect(rfid.secretKeys).toEqual(['RFID_API_TOKEN', 'RFID_DB_PASSWORD']);
    const compose = rfid.compose as {
      services: Record<string, { image: string; environment: Record<string, string> }>;
    };
    expect(compose.services['rfid-backend']?.image).toBe('registry.lan/rfid:1.8.2');
    expect(compose.services['rfid-backend']?.environment.RFID_API_TOKEN).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose/env reference, on purpose
      '${RFID_API_TOKEN:?RFID_API_TOKEN is required}',
    );
    expect(compose.services.postgres?.environment.POSTGRES_PASSWORD).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose/env reference, on purpose
      '${RFID_DB_PASSWORD:?RFID_DB_PASSWORD is required}',
    );
    const crm = renderComposeProject(
      {
        id: 'c',
        kind: 'deploy_compose_stack',
        stack: 'crm',
        project_name: 'crm',
        version: '3.0.0',
        secrets: { CRM_DB_PASSWORD: 'env:X' },
      },
      { deploymentId: 'dep_test1' },
    );
    expect(parseToml(crm.files['compose.yaml']!)).toMatchObject({
      name: 'crm',
      services: { crm: { image: 'ghcr.io/fieldops/crm:3.0.0' } },
    });
    expect(() =>
      renderComposeProject(
        { id: 'c', kind: 'deploy_compose_stack', stack: 'crm', project_name: 'crm', version: '3' },
        { deploymentId: 'dep_x1' },
      ),
    ).toThrow('step c: the crm stack needs secrets CRM_DB_PASSWORD (as SecretRefs in `secrets`)');
  });

  it('quotes a hostile version so it cannot break out of the YAML string', () => {
    const r = renderComposeProject(
      {
        id: 'c',
        kind: 'deploy_compose_stack',
        stack: 'crm',
        project_name: 'crm',
        version: '1"\n    privileged: true',
        secrets: { CRM_DB_PASSWORD: 'env:X' },
      },
      { deploymentId: 'dep_test1' },
    );
    const compose = r.compose as { services: { crm: Record<string, unknown> } };
    expect(compose.services.crm.privileged).toBeUndefined();
    expect(compose.services.crm.image).toBe('ghcr.io/fieldops/crm:1"\n    privileged: true');
  });

  it('keeps snapshot names valid for a step id of the maximum length', async () => {
    const id = `deploy-${'x'.repeat(56)}`; // 63 characters, the longest step id
    const kbRoot = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const { runner } = fakeCommandRunner();
    const result = await runSpec(buildSpec([{ ...chirpstack, id }]), {
      handlers: {
        deploy_compose_stack: createDeployComposeStackHandler({
          runner,
          workDir: await mkdtemp(join(tmpdir(), 'c-')),
        }),
      },
      secrets: createSecretResolver({ providers: [createEnvProvider({ env: SECRET_ENV })] }),
      kb: { root: kbRoot },
    });
    expect(result.status).toBe('succeeded');
    // 63 characters each: the step id is shortened, the suffix kept.
    expect(result.bundle?.snapshots.map((s) => s.name)).toEqual([
      `deploy-${'x'.repeat(48)}-compose`,
      `deploy-${'x'.repeat(52)}-env`,
    ]);
  });

  it('a dry run says when the project would not render', async () => {
    const printed: string[] = [];
    await runSpec(buildSpec([{ ...chirpstack, stack: 'crm', secrets: {} }]), {
      dryRun: true,
      print: (l) => printed.push(l),
    });
    expect(printed).toContain(
      '    would fail: step deploy-chirpstack: the crm stack needs secrets CRM_DB_PASSWORD (as SecretRefs in `secrets`)',
    );
  });
});
