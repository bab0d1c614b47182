import { FieldopsError } from '../errors.js';

/** What went wrong while resolving a secret. */
export type SecretErrorCode =
  | 'secret_ref_invalid'
  | 'secret_not_found'
  | 'secret_provider_unavailable'
  | 'secret_provider_failed';

/**
 * The error of `@fieldops/core/secrets` (re-exported by `@fieldops/sdk/secrets`). Its message names the reference (never the value) and starts
 * with the package name.
 */
export class SecretError extends FieldopsError {
  override readonly name = 'SecretError';
  /** Stable machine-readable code. */
  declare readonly code: SecretErrorCode;
  /** The reference that failed (a reference is not a secret). */
  readonly ref: string | undefined;
  /** HTTP status of the provider's answer, when there was one. */
  override readonly status: number | undefined;

  constructor(
    code: SecretErrorCode,
    message: string,
    options: { ref?: string; status?: number; cause?: unknown } = {},
  ) {
    super(
      code,
      `@fieldops/core/secrets: ${message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.ref = options.ref;
    this.status = options.status;
  }
}
