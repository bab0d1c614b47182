import { type ParsedSecretRef, parseSecretRef } from '@fieldops/contracts/secrets/v1';
import { SecretError } from './errors.js';
import type { SecretProvider, SecretScheme } from './provider.js';
import { createEnvProvider } from './providers/env.js';
import { createFileProvider } from './providers/file.js';
import { createRedactor, type Redactor } from './redactor.js';
import { Secret } from './secret.js';

/** Options of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /**
   * Providers, asked in order among those of the ref's scheme. Defaults to env (process.env) and
   * file. `@fieldops/sdk/secrets` adds `createEnvFileProvider`, `createVaultProvider` and
   * `createOnePasswordConnectProvider`.
   */
  providers?: SecretProvider[];
  /** Every resolved value is added here, so logs, snapshots and bundles can redact it by value. */
  redactor?: Redactor;
  /** Cache resolved values for the life of the resolver (default true). */
  cache?: boolean;
}

/** Turns SecretRefs into {@link Secret}s. */
export interface SecretResolver {
  /** Resolves one reference; throws SecretError (`secret_not_found`, …) naming the ref, never a value. */
  resolve(ref: string, options?: { signal?: AbortSignal }): Promise<Secret>;
  /** Resolves a record of references (e.g. an action's `secrets`), keys kept. */
  resolveAll(
    refs: Readonly<Record<string, string>>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, Secret>>;
  /** The redactor that knows every value resolved so far. */
  readonly redactor: Redactor;
}

function parse(ref: string): ParsedSecretRef {
  try {
    return parseSecretRef(ref);
  } catch (cause) {
    // parseSecretRef throws only ContractErrors. The input may be a secret pasted where a reference
    // belongs: never repeat it.
    throw new SecretError(
      'secret_ref_invalid',
      'expected a secret reference (env:NAME, file:path, vault:path#key or op://vault/item/field)',
      { cause },
    );
  }
}

/** A resolver over the given providers (env and file by default). */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const providers = options.providers ?? [createEnvProvider(), createFileProvider()];
  const redactor = options.redactor ?? createRedactor();
  const cache = new Map<string, Promise<Secret>>();
  const lookup = async (ref: string, signal?: AbortSignal): Promise<Secret> => {
    const parsed = parse(ref);
    const candidates = providers.filter((p) => p.scheme === (parsed.scheme as SecretScheme));
    if (candidates.length === 0) {
      throw new SecretError(
        'secret_provider_unavailable',
        `no provider for ${parsed.scheme}: references (${ref})`,
        {
          ref,
        },
      );
    }
    for (const provider of candidates) {
      const value = await provider.resolve(parsed, signal ? { signal } : {});
      if (value !== undefined) {
        const secret = new Secret(value);
        redactor.add(secret);
        return secret;
      }
    }
    throw new SecretError(
      'secret_not_found',
      `${ref} not found (asked ${candidates.map((p) => p.name).join(', ')})`,
      { ref },
    );
  };
  const resolver: SecretResolver = {
    redactor,
    resolve(ref, opts = {}) {
      if (options.cache === false) return lookup(ref, opts.signal);
      let pending = cache.get(ref);
      if (!pending) {
        pending = lookup(ref, opts.signal);
        cache.set(ref, pending);
        pending.catch(() => cache.delete(ref));
      }
      return pending;
    },
    async resolveAll(refs, opts = {}) {
      const entries = await Promise.all(
        Object.entries(refs).map(async ([k, ref]) => [k, await resolver.resolve(ref, opts)] as const),
      );
      return Object.fromEntries(entries);
    },
  };
  return resolver;
}
