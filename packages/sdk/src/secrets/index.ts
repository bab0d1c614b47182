// @fieldops/sdk/secrets: SecretRefs resolved at the last moment into values that refuse to print.

// ---- errors ----
export type { SecretErrorCode } from './errors.js';
/** The error of the secrets module. */
export { SecretError } from './errors.js';
export type { SecretResolverFromEnvOptions } from './from-env.js';
/** A resolver configured from VAULT_ADDR / VAULT_TOKEN / OP_CONNECT_HOST / OP_CONNECT_TOKEN. */
export { createSecretResolverFromEnv } from './from-env.js';
// ---- resolver and providers ----
export type { SecretLookupOptions, SecretProvider, SecretScheme, TokenSource } from './provider.js';
/** Reads a token source (string, Secret or async function). */
export { tokenValue } from './provider.js';
/** Parses dotenv text. */
export { parseDotenv } from './providers/dotenv.js';
export type { EnvProviderOptions } from './providers/env.js';
/** `env:NAME` from the process environment. */
export { createEnvProvider } from './providers/env.js';
export type { EnvFileProviderOptions } from './providers/env-file.js';
/** `env:NAME` from a dotenv file. */
export { createEnvFileProvider } from './providers/env-file.js';
export type { FileProviderOptions } from './providers/file.js';
/** `file:path`. */
export { createFileProvider } from './providers/file.js';
export type { OnePasswordConnectProviderOptions } from './providers/onepassword.js';
/** `op://vault/item/field` through 1Password Connect. */
export { createOnePasswordConnectProvider } from './providers/onepassword.js';
export type { VaultProviderOptions } from './providers/vault.js';
/** `vault:path#key` from HashiCorp Vault KV v2. */
export { createVaultProvider } from './providers/vault.js';
// ---- redaction by value ----
/** Replaces known secret values (and secret-named keys) in strings and JSON. */
export { createRedactor, Redactor } from './redactor.js';
export type { SecretResolver, SecretResolverOptions } from './resolver.js';
/** Creates a SecretResolver over providers. */
export { createSecretResolver } from './resolver.js';
// ---- the value ----
export type { SecretLike } from './secret.js';
/** A resolved secret that prints `[redacted]`; `reveal()` is the only way out. */
export { isSecret, revealSecret, Secret } from './secret.js';
