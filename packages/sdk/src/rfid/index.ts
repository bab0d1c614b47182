// @fieldops/sdk/rfid: the RFID backend client (LAN-only), automatic batching, and the durable
// station-side spool with its forwarder.

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
// ---- provider side: implement the RFID API in your service ----
export {
  createMemoryRfidBackend,
  type MemoryRfidBackend,
  type MemoryRfidBackendOptions,
  type RfidBackend,
} from '../provider/rfid-backend.js';
export { createRfidHandler, type RfidHandlerOptions } from '../provider/rfid-handler.js';
// ---- transport: errors and plumbing shared with the registry entry ----
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
// ---- LAN guard ----
export { assertLanUrl, type LookupFn } from '../transport/lan-guard.js';
export type { Logger } from '../transport/logger.js';
export type { BearerTokenSource, RevealableSecret } from '../transport/token.js';
export type { FetchFn, TransportOptions, ValidationMode } from '../transport/transport.js';
// ---- conformance verifier (also `fieldops verify rfid`) ----
export { type CheckResult, formatResults, type VerifyOptions } from '../verify/check.js';
export { type VerifyRfidOptions, verifyRfid } from '../verify/rfid.js';
// ---- batching ----
export { type BatchLimits, batchIdempotencyKey, DEFAULT_BATCH_LIMITS, splitIntoBatches } from './batch.js';
export { createEventBatcher, type EventBatcher, type EventBatcherOptions } from './batcher.js';
// ---- client ----
export { createRfidClient } from './client.js';
export { createSpoolForwarder, type SpoolForwarder, type SpoolForwarderOptions } from './spool/forwarder.js';
// ---- durable spool ----
export {
  openSpool,
  type Spool,
  type SpoolBatch,
  SpoolFullError,
  type SpoolOptions,
  type SpoolPosition,
  type SpoolStats,
} from './spool/spool.js';
export type { IngestOutcome, RfidClient, RfidClientOptions } from './types.js';
