import { inspect } from 'node:util';
import { REDACTED } from '@fieldops/contracts/secrets/v1';

const VALUE = Symbol('fieldops.secret.value');

/**
 * A resolved secret. Printing it in any way (`String()`, template literals, `JSON.stringify`,
 * `util.inspect`, `console.log`) shows `[redacted]`; {@link Secret.reveal} is the only way out.
 */
export class Secret {
  // A symbol-keyed, non-enumerable slot: not visited by JSON.stringify, Object.keys or spread.
  declare private readonly [VALUE]: string;

  constructor(value: string) {
    Object.defineProperty(this, VALUE, { value, enumerable: false, writable: false });
  }

  /** The secret value. Call it at the last moment, where the value is handed to its consumer. */
  reveal(): string {
    return this[VALUE];
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** Always `[redacted]` (what `console.log` and `util.inspect` show). */
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** True when `value` is a {@link Secret}. */
export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** A secret or something that reveals one (what clients accept as a token). */
export type SecretLike = Secret | { reveal(): string };

/** The value of a plain string or a secret-like object. */
export function revealSecret(value: string | SecretLike): string {
  return typeof value === 'string' ? value : value.reveal();
}
