// One base class for every error the SDK throws, with small subclasses per category. The HTTP
// subclasses are picked by one function (`httpErrorFor`) from the status and the contract's error
// body, so callers branch on `instanceof` or on `code`, never on message text.

import { FieldopsError as CoreFieldopsError, type FieldopsErrorOptions } from '@fieldops/core';

/**
 * Base class of every @fieldops/sdk error: @fieldops/core's `FieldopsError` (readonly `code`,
 * `status`, `requestId`, `cause`) with messages prefixed by the package name.
 */
export class FieldopsError extends CoreFieldopsError {
  override name = 'FieldopsError';
  constructor(code: string, message: string, options?: FieldopsErrorOptions) {
    super(code, message.startsWith('@fieldops/sdk') ? message : `@fieldops/sdk: ${message}`, options);
  }
}

/** The parsed `ErrorBody` of a fieldops HTTP API (`{ error: { code, message, … } }`). */
export interface HttpErrorBody {
  error: {
    code: string;
    message: string;
    request_id?: string;
    contract?: string;
    details?: { path: string; message: string }[];
  };
}

/** What every HTTP error carries. */
export interface HttpErrorInit {
  status: number;
  code: string;
  message: string;
  /** The operation id from the contract's operation table, e.g. `getDevice`. */
  operation: string;
  requestId?: string | undefined;
  body?: HttpErrorBody | string | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** An HTTP call that ended in an error status (or never got one: see NetworkError / TimeoutError). */
export class FieldopsHttpError extends FieldopsError {
  override name = 'FieldopsHttpError';
  /** HTTP status; 0 when no response arrived. */
  override readonly status: number;
  /** The contract operation, e.g. `ingestEvents`. */
  readonly operation: string;
  /** The server's request id (`X-Request-Id` or `error.request_id`), when it sent one. */
  override readonly requestId: string | undefined;
  /** The error body as received (the contract's ErrorBody when the server follows it). */
  readonly body: HttpErrorBody | string | undefined;
  /** The delay the server asked for with `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(init: HttpErrorInit) {
    super(init.code, init.message, { cause: init.cause, status: init.status, requestId: init.requestId });
    this.status = init.status;
    this.operation = init.operation;
    this.requestId = init.requestId;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 400: the request does not satisfy the contract (see `body.error.details`). */
export class ValidationError extends FieldopsHttpError {
  override name = 'ValidationError';
}
/** 401 / 403: missing, invalid or insufficient bearer token. */
export class UnauthorizedError extends FieldopsHttpError {
  override name = 'UnauthorizedError';
}
/** 404: no such resource. */
export class NotFoundError extends FieldopsHttpError {
  override name = 'NotFoundError';
}
/** 409: a conflicting resource exists, or a request with the same Idempotency-Key is in flight. */
export class ConflictError extends FieldopsHttpError {
  override name = 'ConflictError';
}
/** 412: the record changed since the writer read it (ETag / If-Match, expected_version). */
export class PreconditionFailedError extends ConflictError {
  override name = 'PreconditionFailedError';
}
/** 422: the Idempotency-Key was already used with another body. */
export class IdempotencyMismatchError extends FieldopsHttpError {
  override name = 'IdempotencyMismatchError';
}
/** 429: rate limited; `retryAfterMs` says when to come back. */
export class RateLimitedError extends FieldopsHttpError {
  override name = 'RateLimitedError';
}
/** 5xx: the server failed. */
export class ServerError extends FieldopsHttpError {
  override name = 'ServerError';
}
/** No response: the connection failed or was dropped. */
export class NetworkError extends FieldopsHttpError {
  override name = 'NetworkError';
}
/** No response within `timeoutMs`. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
}

/** The base URL is outside the LAN and `allowPublicNetwork` was not set. */
export class LanGuardError extends FieldopsError {
  override name = 'LanGuardError';
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  422: 'idempotency_key_reused',
  429: 'rate_limited',
};

/** True when `value` looks like the contracts' ErrorBody. */
export function isHttpErrorBody(value: unknown): value is HttpErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const e = (value as { error?: unknown }).error;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/** Maps an HTTP status (and the contract error body) to its error class. The one place that does. */
export function httpErrorFor(
  init: Omit<HttpErrorInit, 'code' | 'message'> & { prefix: string },
): FieldopsHttpError {
  const parsed = isHttpErrorBody(init.body) ? init.body.error : undefined;
  const code =
    parsed?.code ?? DEFAULT_CODES[init.status] ?? (init.status >= 500 ? 'server_error' : 'http_error');
  const detail = parsed?.message ? `: ${parsed.message}` : '';
  const full: HttpErrorInit = {
    ...init,
    code,
    requestId: init.requestId ?? parsed?.request_id,
    message: `${init.prefix} ${init.operation}: HTTP ${init.status} ${code}${detail}`,
  };
  const s = init.status;
  if (s === 400) return new ValidationError(full);
  if (s === 401 || s === 403) return new UnauthorizedError(full);
  if (s === 404) return new NotFoundError(full);
  if (s === 409) return new ConflictError(full);
  if (s === 412) return new PreconditionFailedError(full);
  if (s === 422) return new IdempotencyMismatchError(full);
  if (s === 429) return new RateLimitedError(full);
  if (s >= 500) return new ServerError(full);
  return new FieldopsHttpError(full);
}
