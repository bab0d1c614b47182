import { readFile } from 'node:fs/promises';
import { isSecretRef, parseSecretRef, REDACTED } from '@fieldops/contracts/secrets/v1';
import { NotifySecretError } from './errors.js';

/** A secret in configuration: a SecretRef (`env:NAME`, `file:path`, `vault:…`, `op://…`) or an inline `{ value }`. */
export type SecretInput = string | { value: string };

/** Resolves a SecretRef to its value; inject one for `vault:` and `op://` references. */
export type SecretResolver = (ref: string) => Promise<string>;

/** The default resolver: `env:NAME` from the environment, `file:path` from disk (trailing newline trimmed). */
export function createDefaultSecretResolver(
  env: Record<string, string | undefined> = process.env,
): SecretResolver {
  return async (ref) => {
    const parsed = parseSecretRef(ref);
    if (parsed.scheme === 'env') {
      const v = env[parsed.name];
      if (v === undefined || v === '') throw new NotifySecretError(`secret ${ref} is not set`);
      return v;
    }
    if (parsed.scheme === 'file') {
      try {
        return (await readFile(parsed.path, 'utf8')).replace(/\r?\n$/, '');
      } catch (cause) {
        throw new NotifySecretError(`secret ${ref} could not be read`, cause);
      }
    }
    throw new NotifySecretError(`secret ${ref} needs an injected resolver (secrets option)`);
  };
}

/** Resolves secrets once, remembers every value it handed out, and redacts them from any text. */
export class SecretVault {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly values = new Set<string>();

  constructor(private readonly resolver: SecretResolver) {}

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
      p = this.resolver(input).then(
        (v) => {
          this.remember(v);
          return v;
        },
        (err: unknown) => {
          this.cache.delete(input);
          throw err instanceof NotifySecretError
            ? err
            : new NotifySecretError(`${field}: secret ${input} failed`);
        },
      );
      this.cache.set(input, p);
    }
    return p;
  }

  /** Adds a value (e.g. a token found in a URL) to the redaction set. */
  remember(value: string): void {
    if (value.length >= 4) {
      this.values.add(value);
      // URL-encoded forms leak through error messages too.
      const enc = encodeURIComponent(value);
      if (enc !== value) this.values.add(enc);
    }
  }

  /** Replaces every known secret value in `text` with `[redacted]`. */
  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }
}
