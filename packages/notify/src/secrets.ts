import { isSecretRef } from '@fieldops/contracts/secrets/v1';
import {
  type SecretResolver as CoreSecretResolver,
  createEnvProvider,
  createFileProvider,
  createRedactor,
  createSecretResolver,
  type Redactor,
  SecretError,
} from '@fieldops/core/secrets';
import { NotifySecretError } from './errors.js';

// notify keeps no secrets code of its own: resolution and redaction are @fieldops/core/secrets, the
// one implementation sdk uses too. What is notify's here is the config shape (a ref or `{ value }`),
// the field path in errors and the NotifySecretError they become.

/** A secret in configuration: a SecretRef (`env:NAME`, `file:path`, `vault:…`, `op://…`) or an inline `{ value }`. */
export type SecretInput = string | { value: string };

/**
 * Resolves a SecretRef: a function returning the value, or a `@fieldops/core/secrets` resolver (e.g.
 * `createSecretResolverFromEnv()` of `@fieldops/sdk/secrets`, which adds Vault and 1Password Connect);
 * a resolver object also lends notify its redactor.
 */
export type SecretResolver = ((ref: string) => Promise<string>) | CoreSecretResolver;

/** What a failed default lookup says, by core's error code and the ref's scheme. */
function describeFailure(err: SecretError, ref: string): string {
  if (err.code === 'secret_provider_unavailable')
    return `secret ${ref} needs an injected resolver (secrets option)`;
  // The input may be a secret pasted where a ref belongs: never repeat it.
  if (err.code === 'secret_ref_invalid') return 'expected a SecretRef (env:NAME, file:path, vault:…, op://…)';
  if (err.code === 'secret_not_found' && ref.startsWith('env:')) return `secret ${ref} is not set`;
  return `secret ${ref} could not be read`;
}

/** The default resolver: `env:NAME` from the environment, `file:path` from disk (trailing newline trimmed). */
export function createDefaultSecretResolver(
  env: Record<string, string | undefined> = process.env,
): (ref: string) => Promise<string> {
  const resolver = createSecretResolver({
    providers: [createEnvProvider({ env }), createFileProvider()],
    cache: false,
  });
  return lookupWith(resolver);
}

/** A lookup over a core resolver; its SecretErrors become NotifySecretErrors naming the ref. */
function lookupWith(resolver: CoreSecretResolver): (ref: string) => Promise<string> {
  return async (ref) => {
    try {
      return (await resolver.resolve(ref)).reveal();
    } catch (err) {
      if (err instanceof SecretError) throw new NotifySecretError(describeFailure(err, ref), err);
      throw err;
    }
  };
}

/** Resolves secrets once, remembers every value it handed out, and redacts them from any text. */
export class SecretVault {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly lookup: (ref: string) => Promise<string>;
  /** The core redactor that knows every value handed out (and its encoded forms). */
  readonly redactor: Redactor;

  constructor(resolver: SecretResolver, redactor?: Redactor) {
    if (typeof resolver === 'function') {
      this.lookup = resolver;
      this.redactor = redactor ?? createRedactor();
    } else {
      this.lookup = lookupWith(resolver);
      this.redactor = redactor ?? resolver.redactor;
    }
  }

  /** The value of a secret input; `field` names it in errors. */
  async resolve(input: SecretInput, field: string): Promise<string> {
    if (typeof input === 'object' && input !== null && typeof input.value === 'string') {
      this.remember(input.value);
      return input.value;
    }
    if (typeof input !== 'string' || !isSecretRef(input)) {
      throw new NotifySecretError(`${field}: expected a SecretRef (env:NAME, file:path, …) or { value }`);
    }
    let p = this.cache.get(input);
    if (!p) {
      p = this.lookup(input).then(
        (v) => {
          this.remember(v);
          return v;
        },
        (err: unknown) => {
          this.cache.delete(input);
          throw err instanceof NotifySecretError
            ? err
            : // No cause: an injected resolver's error may carry what it was resolving.
              new NotifySecretError(`${field}: secret ${input} failed`);
        },
      );
      this.cache.set(input, p);
    }
    return p;
  }

  /** Adds a value (e.g. a token found in a URL) to the redaction set. */
  remember(value: string): void {
    this.redactor.add(value);
  }

  /** Replaces every known secret value (and its base64, hex and URL-encoded forms) in `text` with `[redacted]`. */
  redact(text: string): string {
    return this.redactor.redactString(text);
  }
}
