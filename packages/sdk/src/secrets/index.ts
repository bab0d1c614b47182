// @fieldops/sdk/secrets: SecretRefs resolved at the last moment into values that refuse to print.
// The value, the redactor, the resolver and the env/file providers are @fieldops/core/secrets (the
// one implementation sdk and notify share) re-exported here unchanged; this entry adds the env-file,
// Vault and 1Password Connect providers and a resolver configured from the environment.

// ---- from @fieldops/core/secrets ----
export type {
  EnvProviderOptions,
  FileProviderOptions,
  SecretErrorCode,
  SecretLike,
  SecretLookupOptions,
  SecretProvider,
  SecretResolver,
  SecretResolverOptions,
  SecretScheme,
  StreamRedactor,
  TokenSource,
} from '@fieldops/core/secrets';
/**
 * The error of the secrets module (`@fieldops/core`'s); `env:`/`file:` refs come from `createEnvProvider`
 * and `createFileProvider`, the resolver from `createSecretResolver`, redaction by value from
 * `createRedactor`, and `Secret` prints `[redacted]` (`reveal()` is the only way out).
 */
export {
  createEnvProvider,
  createFileProvider,
  createRedactor,
  createSecretResolver,
  isSecret,
  Redactor,
  revealSecret,
  Secret,
  SecretError,
  tokenValue,
} from '@fieldops/core/secrets';
// ---- sdk providers ----
export type { SecretResolverFromEnvOptions } from './from-env.js';
/** A resolver configured from VAULT_ADDR / VAULT_TOKEN / OP_CONNECT_HOST / OP_CONNECT_TOKEN. */
export { createSecretResolverFromEnv } from './from-env.js';
/** Parses dotenv text. */
export { parseDotenv } from './providers/dotenv.js';
export type { EnvFileProviderOptions } from './providers/env-file.js';
/** `env:NAME` from a dotenv file. */
export { createEnvFileProvider } from './providers/env-file.js';
export type { OnePasswordConnectProviderOptions } from './providers/onepassword.js';
/** `op://vault/item/field` through 1Password Connect. */
export { createOnePasswordConnectProvider } from './providers/onepassword.js';
export type { VaultProviderOptions } from './providers/vault.js';
/** `vault:path#key` from HashiCorp Vault KV v2. */
export { createVaultProvider } from './providers/vault.js';
