import {
  createEnvProvider,
  createFileProvider,
  createSecretResolver,
  type Redactor,
  Secret,
  type SecretProvider,
  type SecretResolver,
} from '@fieldops/core/secrets';
import { createEnvFileProvider } from './providers/env-file.js';
import { createOnePasswordConnectProvider } from './providers/onepassword.js';
import { createVaultProvider } from './providers/vault.js';

/** Options of {@link createSecretResolverFromEnv}. */
export interface SecretResolverFromEnvOptions {
  /** The environment (default `process.env`): env refs and the providers' settings come from it. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Dotenv files asked after the environment for `env:` refs, in order. */
  envFiles?: string[];
  /** Base directory of relative `file:` refs. */
  baseDir?: string;
  redactor?: Redactor;
  fetch?: typeof fetch;
}

/**
 * A resolver configured the way the tools' own CLIs are: `env:` from the environment then the env
 * files, `file:` refs, Vault when `VAULT_ADDR` and `VAULT_TOKEN` are set (`VAULT_NAMESPACE` optional),
 * 1Password Connect when `OP_CONNECT_HOST` and `OP_CONNECT_TOKEN` are set. The tokens are wrapped in
 * `Secret`s and added to the redactor.
 */
export function createSecretResolverFromEnv(options: SecretResolverFromEnvOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  const providers: SecretProvider[] = [
    createEnvProvider({ env }),
    ...(options.envFiles ?? []).map((path) => createEnvFileProvider({ path })),
    createFileProvider(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
  ];
  const tokens: Secret[] = [];
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  if (env.VAULT_ADDR && env.VAULT_TOKEN) {
    const token = new Secret(env.VAULT_TOKEN);
    tokens.push(token);
    providers.push(
      createVaultProvider({
        address: env.VAULT_ADDR,
        token,
        ...(env.VAULT_NAMESPACE ? { namespace: env.VAULT_NAMESPACE } : {}),
        ...fetchOption,
      }),
    );
  }
  if (env.OP_CONNECT_HOST && env.OP_CONNECT_TOKEN) {
    const token = new Secret(env.OP_CONNECT_TOKEN);
    tokens.push(token);
    providers.push(createOnePasswordConnectProvider({ url: env.OP_CONNECT_HOST, token, ...fetchOption }));
  }
  const resolver = createSecretResolver({
    providers,
    ...(options.redactor ? { redactor: options.redactor } : {}),
  });
  for (const t of tokens) resolver.redactor.add(t);
  return resolver;
}
