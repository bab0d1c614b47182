// The HTTP transport's public surface, shared by the registry and RFID entries (one list, re-exported
// by both): typed errors, retry rules, the LAN guard, logger and token types.

export type { Logger } from '@fieldops/core';
export {
  type DeprecationNotice,
  parseDeprecationHeader,
  parseSunsetHeader,
  resetDeprecationWarnings,
} from './deprecation.js';
export {
  ConflictError,
  FieldopsError,
  FieldopsHttpError,
  type HttpErrorBody,
  IdempotencyMismatchError,
  LanGuardError,
  NetworkError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from './errors.js';
export { assertLanUrl, type LookupFn } from './lan-guard.js';
export {
  type AttemptOutcome,
  DEFAULT_RETRY,
  type HttpAttempt,
  isRetryableHttp,
  parseRetryAfter,
  type RetryOptions,
  retryDelayMs,
  shouldRetry,
} from './retry.js';
export type { BearerTokenSource, RevealableSecret } from './token.js';
export type { FetchFn, TransportOptions, ValidationMode } from './transport.js';
