import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AutomationError } from '../../errors.js';
import { buildSnapshotName } from '../../kb/paths.js';
import type { ActionHandler } from '../../types.js';
import { type CommandRunner, createChildProcessRunner } from '../command-runner.js';
import { checkChirpStackSecret } from './chirpstack-stack.js';
import { type RenderComposeOptions, renderComposeProject } from './render.js';

/** Options of {@link createDeployComposeStackHandler}. */
export interface DeployComposeStackHandlerOptions {
  /** Runs `docker` (default: spawns it). */
  runner?: CommandRunner;
  /** Where project directories are written (default `<tmp>/fieldops-compose`); one sub-directory per project. */
  workDir?: string;
  /** The docker binary (default `docker`). */
  docker?: string;
  images?: RenderComposeOptions['images'];
  templates?: RenderComposeOptions['templates'];
  /** Pull images before `up` (default true). */
  pull?: boolean;
}

/** The `deploy_compose_stack` handler interface. */
export type DeployComposeStackHandler = ActionHandler<'deploy_compose_stack'>;

/** The env file name inside the project directory (not hidden, so it can be kept in a bundle). */
export const COMPOSE_ENV_FILE = 'fieldops.env';

/**
 * `deploy_compose_stack`: renders the project (compose.yaml + config files + `fieldops.env`), then
 * `docker compose … config --quiet`, `pull`, `up --detach --wait --remove-orphans`. Secret values go to
 * the `docker` process's environment only; files hold `${NAME}` references.
 */
export function createDeployComposeStackHandler(
  options: DeployComposeStackHandlerOptions = {},
): DeployComposeStackHandler {
  const docker = options.docker ?? 'docker';
  const baseArgs = (dir: string, project: string) => [
    'compose',
    '--project-name',
    project,
    '--project-directory',
    dir,
    '--file',
    join(dir, 'compose.yaml'),
    '--env-file',
    join(dir, COMPOSE_ENV_FILE),
  ];
  return {
    describe(a, spec) {
      // Rendering is pure and needs no secret: a dry run can show what the real run would reject.
      let problem: string | undefined;
      try {
        renderComposeProject(a, {
          deploymentId: spec.deployment_id,
          ...(options.templates ? { templates: options.templates } : {}),
        });
      } catch (error) {
        problem = (error as Error).message.replace(/^@fieldops\/sdk\/automation: /, '');
      }
      return [
        `render the ${a.stack} compose project "${a.project_name}" (version ${a.version}${a.region ? `, region ${a.region}` : ''})`,
        `docker compose pull && up --detach --wait${a.docker_host ? ` on ${a.docker_host}` : ''}`,
        `secrets from ${Object.keys(a.secrets ?? {}).join(', ') || 'none'} passed as environment, never written`,
        ...(problem ? [`would fail: ${problem}`] : []),
      ];
    },
    async run(a, ctx) {
      const runner = options.runner ?? createChildProcessRunner();
      const rendered = renderComposeProject(a, {
        deploymentId: ctx.spec.deployment_id,
        ...(options.images ? { images: options.images } : {}),
        ...(options.templates ? { templates: options.templates } : {}),
      });
      const dir = resolve(options.workDir ?? join(tmpdir(), 'fieldops-compose'), a.project_name);
      for (const [path, content] of [
        ...Object.entries(rendered.files),
        [COMPOSE_ENV_FILE, rendered.envFile] as const,
      ]) {
        const target = join(dir, path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content, { mode: 0o644 });
        ctx.artifact({
          name: `${ctx.stepId}/${path}`,
          content,
          media_type: path.endsWith('.yaml') ? 'application/yaml' : 'text/plain',
        });
      }
      ctx.snapshot({
        name: buildSnapshotName(ctx.stepId, 'compose'),
        title: `${a.stack} compose project ${a.project_name}`,
        target: a.docker_host ?? 'local docker',
        format: 'yaml',
        content: rendered.compose,
      });
      ctx.snapshot({
        name: buildSnapshotName(ctx.stepId, 'env'),
        title: `${a.stack} environment`,
        format: 'json',
        // Secret variables as a list of (variable, reference): a reference is not a secret, and a
        // secret-named key would be redacted wholesale by the KB.
        content: {
          env: a.env ?? {},
          secrets: Object.entries(a.secrets ?? {}).map(([variable, ref]) => ({ variable, ref })),
        },
      });

      const env: Record<string, string> = {};
      for (const [k, ref] of Object.entries(a.secrets ?? {})) {
        env[k] = (await ctx.secrets.resolve(ref, { signal: ctx.signal })).reveal();
        const problem = a.stack === 'chirpstack' ? checkChirpStackSecret(k, env[k]) : undefined;
        if (problem)
          throw new AutomationError('handler_failed', `step ${a.id}: ${problem}`, { retryable: false });
      }
      if (a.docker_host) env.DOCKER_HOST = a.docker_host;

      const args = baseArgs(dir, a.project_name);
      const steps: [string, string[]][] = [
        ['config', [...args, 'config', '--quiet']],
        ...(options.pull === false ? [] : ([['pull', [...args, 'pull']]] as [string, string[]][])),
        ['up', [...args, 'up', '--detach', '--wait', '--remove-orphans']],
      ];
      for (const [name, argv] of steps) {
        ctx.log.info(`docker compose ${name}`, { command: [docker, ...argv].join(' ') });
        const result = await runner.run(docker, argv, {
          cwd: dir,
          env,
          signal: ctx.signal,
          onOutput: (stream, chunk) => ctx.log.output(stream, chunk),
        });
        if (result.exitCode !== 0) {
          const last = result.stderr.trim().split('\n').pop() ?? '';
          throw new AutomationError(
            'command_failed',
            `docker compose ${name} exited ${result.exitCode}${last ? `: ${last.slice(0, 500)}` : ''}`,
            {
              retryable: name !== 'config',
            },
          );
        }
      }
      return {
        outputs: { stack: a.stack, project: a.project_name, version: a.version, directory: dir },
        message: `${a.stack} ${a.version} up as project ${a.project_name}`,
      };
    },
  };
}
