import type * as automation from '@fieldops/contracts/automation/v1';
import { AS923_PLANS, type As923PlanId } from '@fieldops/contracts/regions/v1';
import { parse as parseYaml } from 'yaml';
import { AUTOMATION_PEERS, requirePeer } from '../../../internal/peers.js';
import { AutomationError } from '../../errors.js';
import { buildPortBindings } from './port-bindings.js';
import {
  DEFAULT_STACK_IMAGES,
  STACK_TEMPLATES,
  type StackContext,
  type StackImages,
  type StackTemplate,
} from './templates.js';

/** Options of {@link renderComposeProject}. */
export interface RenderComposeOptions {
  deploymentId: string;
  images?: Partial<StackImages>;
  /** Replace the built-in template of a stack. */
  templates?: Partial<Record<automation.ActionOf<'deploy_compose_stack'>['stack'], StackTemplate>>;
}

/** A rendered compose project: files by relative path, and the env file of plain settings. */
export interface RenderedComposeProject {
  files: Record<string, string>;
  /** `fieldops.env`: the action's `env` values (never secrets). */
  envFile: string;
  /** Names of variables whose values are secrets (passed through the process environment). */
  secretKeys: string[];
  envKeys: string[];
  /** compose.yaml parsed, for the snapshot. */
  compose: unknown;
}

const hbs = requirePeer<typeof import('handlebars')>(
  '@fieldops/sdk/automation',
  AUTOMATION_PEERS,
  'handlebars',
).create();
// JSON strings are valid YAML and TOML basic strings: quoting that cannot be broken out of.
hbs.registerHelper('json', (v: unknown) => new hbs.SafeString(JSON.stringify(v ?? null)));
hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));

function envLine(key: string, value: string): string {
  return `${key}=${JSON.stringify(value)}`;
}

/** The enabled regions of an action: `region` first, then `regions`, without repeats (default `as923`). */
function enabledRegions(action: automation.ActionOf<'deploy_compose_stack'>): As923PlanId[] {
  const all = [...(action.region ? [action.region] : []), ...(action.regions ?? [])];
  return all.length === 0 ? ['as923'] : [...new Set(all)];
}

/** Renders the compose project of a `deploy_compose_stack` action. Pure: no secret is ever an input. */
export function renderComposeProject(
  action: automation.ActionOf<'deploy_compose_stack'>,
  options: RenderComposeOptions,
): RenderedComposeProject {
  const template = options.templates?.[action.stack] ?? STACK_TEMPLATES[action.stack];
  const secretKeys = Object.keys(action.secrets ?? {}).sort();
  const missing = template.requiredSecrets.filter((k) => !secretKeys.includes(k));
  if (missing.length > 0) {
    throw new AutomationError(
      'handler_failed',
      `step ${action.id}: the ${action.stack} stack needs secrets ${missing.join(', ')} (as SecretRefs in \`secrets\`)`,
      { retryable: false },
    );
  }
  const clash = Object.keys(action.env ?? {}).filter((k) => secretKeys.includes(k));
  if (clash.length > 0) {
    throw new AutomationError(
      'handler_failed',
      `step ${action.id}: ${clash.join(', ')} both in env and secrets`,
      {
        retryable: false,
      },
    );
  }
  const envKeys = Object.keys(action.env ?? {}).sort();
  // Secrets the stack wires itself (the database password) are not repeated on the app service.
  const appSecretKeys = secretKeys.filter(
    (k) => !template.requiredSecrets.includes(k) || action.stack === 'chirpstack',
  );
  const regions = enabledRegions(action);
  const context: StackContext = {
    deploymentId: options.deploymentId,
    project: action.project_name,
    version: action.version,
    region: regions[0]!,
    regions,
    topicPrefix: AS923_PLANS[regions[0]!].mqtt_topic_prefix,
    images: { ...DEFAULT_STACK_IMAGES, ...options.images },
    envKeys,
    secretKeys: appSecretKeys,
    ports: buildPortBindings(action),
    ...template.context?.(),
  };
  const files: Record<string, string> = {};
  for (const [path, source] of Object.entries(template.files)) {
    files[path] = hbs.compile(source, { noEscape: true, strict: true })(context);
  }
  Object.assign(files, template.buildFiles?.(context));
  let compose: unknown;
  try {
    compose = parseYaml(files['compose.yaml'] ?? '');
  } catch (cause) {
    throw new AutomationError(
      'handler_failed',
      `step ${action.id}: rendered compose.yaml is not valid YAML`,
      {
        retryable: false,
        cause,
      },
    );
  }
  const envFile = [
    '# Plain settings of this compose project (no secrets: those come from the environment).',
    ...envKeys.map((k) => envLine(k, action.env?.[k] ?? '')),
    '',
  ].join('\n');
  return { files, envFile, secretKeys, envKeys, compose };
}
