import { isSecretKey, REDACTED } from '@fieldops/contracts/secrets/v1';
import { Secret } from './secret.js';
import { buildSecretForms } from './secret-forms.js';
import { createStreamRedactor, type StreamRedactor } from './stream-redactor.js';

// Values shorter than this are not redacted by value: replacing every "1" in a log would destroy it
// and protect nothing (a 3-character secret is not a secret). Redaction by key name still applies.
const MIN_VALUE_LENGTH = 4;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Knows every secret value resolved so far and replaces them wherever they appear: the value itself
 * and its base64, base64url, hex and URL-encoded forms. The second line of defence after redaction by
 * key name: a value copied into an unexpected field is still caught.
 */
export class Redactor {
  readonly #values = new Set<string>();
  readonly #needles = new Set<string>();
  #pattern: RegExp | undefined;
  #longest = 0;

  /** Adds a secret (or its value), with its encoded forms, to the values to redact. */
  add(secret: Secret | string): void {
    const value = secret instanceof Secret ? secret.reveal() : secret;
    if (value.length < MIN_VALUE_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    for (const needle of [value, ...buildSecretForms(value)]) {
      if (needle.length >= MIN_VALUE_LENGTH) this.#needles.add(needle);
    }
    // Longest first, so a secret that contains another is replaced whole.
    const sorted = [...this.#needles].sort((a, b) => b.length - a.length);
    this.#pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    this.#longest = sorted[0]?.length ?? 0;
  }

  /** How many secret values are known. */
  get size(): number {
    return this.#values.size;
  }

  /** The length of the longest text redacted (a secret or one of its forms). */
  get longestNeedle(): number {
    return this.#longest;
  }

  /** True when `text` contains a known secret value or one of its encoded forms. */
  contains(text: string): boolean {
    if (!this.#pattern) return false;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(text);
  }

  /** `text` with every known secret value (and encoded form) replaced by `[redacted]`. */
  redactString(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  /**
   * The end positions of the matches in `text` that start before `cut`, or -1: where a stream may
   * safely be cut without splitting a secret.
   */
  safeCut(text: string, cut: number): number {
    if (!this.#pattern || cut <= 0) return Math.max(0, cut);
    this.#pattern.lastIndex = 0;
    let safe = cut;
    for (const m of text.matchAll(this.#pattern)) {
      if (m.index >= cut) break;
      safe = Math.max(safe, m.index + m[0].length);
    }
    return safe;
  }

  /** A redactor for one stream of chunks (a command's stdout): secrets split across writes are caught. */
  createStream(): StreamRedactor {
    return createStreamRedactor(this);
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
