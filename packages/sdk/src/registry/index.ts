// @fieldops/sdk/registry: the typed registry API client and the HTTP transport it shares with the
// RFID client (errors, retry rules, logger and token types).

// ---- provider plumbing shared with the RFID entry ----
export { ProviderError } from '../provider/errors.js';
export { type FetchHandler, matchOperation, type ProviderHandlerOptions } from '../provider/http.js';
export {
  createMemoryIdempotencyStore,
  type IdempotencyBegin,
  type IdempotencyStore,
  type MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredResponse,
} from '../provider/idempotency-store.js';
export { type ServedHandler, serveFetchHandler } from '../provider/node-server.js';
// ---- provider side: implement the registry API in your service ----
export {
  createMemoryRegistryBackend,
  type MemoryRegistryBackend,
  type MemoryRegistryBackendOptions,
  type RegistryBackend,
  type WriteConditions,
} from '../provider/registry-backend.js';
export { createRegistryHandler, type RegistryHandlerOptions } from '../provider/registry-handler.js';
// ---- transport: errors ----
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
} from '../transport/errors.js';
// ---- transport: plumbing shared by every HTTP client ----
export type { Logger } from '../transport/logger.js';
export {
  DEFAULT_RETRY,
  parseRetryAfter,
  type RetryOptions,
  retryDelayMs,
  shouldRetry,
} from '../transport/retry.js';
export type { BearerTokenSource, RevealableSecret } from '../transport/token.js';
export type { FetchFn, TransportOptions, ValidationMode } from '../transport/transport.js';
// ---- conformance verifier (also `fieldops verify registry`) ----
export { type CheckResult, formatResults, type VerifyOptions } from '../verify/check.js';
export { type VerifyRegistryOptions, verifyRegistry } from '../verify/registry.js';
// ---- client ----
export { createRegistryClient } from './client.js';
export type { DeviceWithEtag, RegistryClient, RegistryClientOptions } from './types.js';
