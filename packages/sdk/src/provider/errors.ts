import { FieldopsError } from '../transport/errors.js';

/** Thrown by a provider backend to answer with an error status and the contract's ErrorBody. */
export class ProviderError extends FieldopsError {
  override name = 'ProviderError';
  /** HTTP status to answer with (400, 404, 409, 412, 422, …). */
  override readonly status: number;
  /** `error.details` of the body. */
  readonly details: { path: string; message: string }[] | undefined;
  /** `error.contract` of the body. */
  readonly contract: string | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    extra: { details?: { path: string; message: string }[]; contract?: string } = {},
  ) {
    super(code, message);
    this.status = status;
    this.details = extra.details;
    this.contract = extra.contract;
  }
}
