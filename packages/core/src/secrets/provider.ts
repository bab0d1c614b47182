import type { ParsedSecretRef } from '@fieldops/contracts/secrets/v1';
import type { SecretLike } from './secret.js';

/** The scheme of a SecretRef: `env`, `file`, `vault` or `op`. */
export type SecretScheme = ParsedSecretRef['scheme'];

/** What a provider is given besides the reference. */
export interface SecretLookupOptions {
  signal?: AbortSignal;
}

/**
 * Resolves references of one scheme. Returns `undefined` when it does not hold the secret, so the
 * resolver can ask the next provider of the same scheme (env, then an env file); throws on failure.
 */
export interface SecretProvider {
  readonly scheme: SecretScheme;
  /** A short name for errors and logs, e.g. `env-file:/etc/fieldops/site.env`. */
  readonly name: string;
  resolve(ref: ParsedSecretRef, options: SecretLookupOptions): Promise<string | undefined>;
}

/** A token given as a string, a secret, or a function fetching one. */
export type TokenSource = string | SecretLike | (() => Promise<string | SecretLike>);

/** The value of a token source. */
export async function tokenValue(token: TokenSource): Promise<string> {
  const t = typeof token === 'function' ? await token() : token;
  return typeof t === 'string' ? t : t.reveal();
}
