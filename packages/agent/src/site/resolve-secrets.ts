import type { NatsAuth } from '@fieldops/bus/nats';
import { createSecretResolverFromEnv, type SecretResolver } from '@fieldops/sdk/secrets';
import type { AgentConfig } from '../config.js';

/** The secrets site.yaml refers to, resolved (each a `Secret` that prints `[redacted]`). */
export interface AgentSecrets {
  mqttPassword?: string;
  chirpstackToken?: { reveal(): string };
  registryToken?: { reveal(): string };
  /** `central.nats_auth` resolved, in `@fieldops/bus/nats`'s shape. */
  natsAuth?: NatsAuth;
  /** `central.http.token`. */
  centralHttpToken?: { reveal(): string };
}

/** Each SecretRef of site.yaml with its field path. */
export function secretRefs(config: AgentConfig): { path: string; ref: string }[] {
  return [
    ...(config.mqtt.password ? [{ path: 'mqtt.password', ref: config.mqtt.password }] : []),
    ...(config.chirpstack ? [{ path: 'chirpstack.api_token', ref: config.chirpstack.api_token }] : []),
    ...(config.registry ? [{ path: 'registry.token', ref: config.registry.token }] : []),
    ...(['password', 'token', 'nkey_seed', 'creds'] as const).flatMap((key) => {
      const ref = config.central.nats_auth?.[key];
      return ref ? [{ path: `central.nats_auth.${key}`, ref }] : [];
    }),
    ...(config.central.http?.token ? [{ path: 'central.http.token', ref: config.central.http.token }] : []),
  ];
}

/**
 * Resolves site.yaml's SecretRefs (env, file, Vault, 1Password as `createSecretResolverFromEnv` is
 * configured). A failure names the field and the reference, never a value.
 */
export async function resolveAgentSecrets(
  config: AgentConfig,
  resolver: SecretResolver = createSecretResolverFromEnv(),
  file = 'site.yaml',
): Promise<AgentSecrets> {
  const out: Record<string, { reveal(): string }> = {};
  const problems: string[] = [];
  for (const { path, ref } of secretRefs(config)) {
    try {
      out[path] = await resolver.resolve(ref);
    } catch (error) {
      problems.push(`  ${path}: ${ref} does not resolve (${(error as Error).message})`);
    }
  }
  if (problems.length > 0)
    throw new Error(`@fieldops/agent: ${file}: secrets of fieldops-agent config v1:\n${problems.join('\n')}`);
  return {
    ...(out['mqtt.password'] ? { mqttPassword: out['mqtt.password'].reveal() } : {}),
    ...(out['chirpstack.api_token'] ? { chirpstackToken: out['chirpstack.api_token'] } : {}),
    ...(out['registry.token'] ? { registryToken: out['registry.token'] } : {}),
    ...(config.central.nats_auth ? { natsAuth: natsAuth(config, out) } : {}),
    ...(out['central.http.token'] ? { centralHttpToken: out['central.http.token'] } : {}),
  };
}

/** `central.nats_auth` with its resolved secrets, as `createJetStreamBus` takes it. */
function natsAuth(config: AgentConfig, out: Record<string, { reveal(): string }>): NatsAuth {
  const a = config.central.nats_auth;
  const value = (key: string) => (out[`central.nats_auth.${key}`] as { reveal(): string }).reveal();
  if (a?.user !== undefined) return { user: a.user, pass: value('password') };
  if (a?.token) return { token: value('token') };
  if (a?.nkey_seed) return { nkeySeed: value('nkey_seed') };
  return { creds: value('creds') };
}
