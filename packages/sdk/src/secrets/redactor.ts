import { isSecretKey, REDACTED } from '@fieldops/contracts';
import { Secret } from './secret.js';

// Values shorter than this are not redacted by value: replacing every "1" in a log would destroy it
// and protect nothing (a 3-character secret is not a secret). Redaction by key name still applies.
const MIN_VALUE_LENGTH = 4;

/**
 * Knows every secret value resolved so far and replaces them wherever they appear. The second line of
 * defence after redaction by key name: a value copied into an unexpected field is still caught.
 */
export class Redactor {
  readonly #values = new Set<string>();
  #sorted: string[] = [];

  /** Adds a secret (or its value) to the set of values to redact. */
  add(secret: Secret | string): void {
    const value = secret instanceof Secret ? secret.reveal() : secret;
    if (value.length < MIN_VALUE_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    // Longest first, so a secret that contains another is replaced whole.
    this.#sorted = [...this.#values].sort((a, b) => b.length - a.length);
  }

  /** How many values are known. */
  get size(): number {
    return this.#values.size;
  }

  /** True when `text` contains a known secret value. */
  contains(text: string): boolean {
    for (const v of this.#sorted) if (text.includes(v)) return true;
    return false;
  }

  /** `text` with every known secret value replaced by `[redacted]`. */
  redactString(text: string): string {
    let out = text;
    for (const v of this.#sorted) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /**
   * A deep copy of a JSON-like value with secrets replaced: by key name (`password`, `api_key`, …)
   * and by value. `Secret` instances become `[redacted]`. Calls `onRedact` with each path and reason.
   */
  redactValue(
    value: unknown,
    onRedact?: (path: string, reason: 'key_name' | 'secret_value') => void,
    path = '',
  ): unknown {
    if (value instanceof Secret) {
      onRedact?.(path, 'secret_value');
      return REDACTED;
    }
    // Dates and other objects with toJSON are redacted as what JSON would make of them.
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ) {
      return this.redactValue((value as { toJSON(): unknown }).toJSON(), onRedact, path);
    }
    if (typeof value === 'string') {
      const redacted = this.redactString(value);
      if (redacted !== value) onRedact?.(path, 'secret_value');
      return redacted;
    }
    if (Array.isArray(value)) {
      return value.map((v, i) => this.redactValue(v, onRedact, `${path}[${i}]`));
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const childPath = path ? `${path}.${k}` : k;
        if (isSecretKey(k) && v !== null && v !== undefined && v !== '') {
          onRedact?.(childPath, 'key_name');
          out[k] = REDACTED;
        } else {
          out[k] = this.redactValue(v, onRedact, childPath);
        }
      }
      return out;
    }
    return value;
  }
}

/** A new, empty redactor. */
export function createRedactor(): Redactor {
  return new Redactor();
}
