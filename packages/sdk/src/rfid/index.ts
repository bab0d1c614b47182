// @fieldops/sdk/rfid: the RFID backend client (LAN-only), automatic batching, and the durable
// station-side spool with its forwarder.

// ---- provider side: station and backend health (level-triggered events) ----
export {
  type BackendHealthEvent,
  type BackendHealthMonitor,
  type BackendHealthOptions,
  createBackendHealthMonitor,
} from '../provider/backend-health.js';
// ---- shared: provider plumbing and the HTTP transport (errors, retry, LAN guard, types) ----
export * from '../provider/index.js';
// ---- provider side: implement the RFID API in your service ----
export {
  type AnyStationStatus,
  createMemoryRfidBackend,
  type IngestContext,
  type MemoryRfidBackend,
  type MemoryRfidBackendOptions,
  type RfidBackend,
  type RfidCaller,
} from '../provider/rfid-backend.js';
export {
  createRfidHandler,
  RFID_API_VERSIONS,
  type RfidApiVersion,
  type RfidHandlerOptions,
} from '../provider/rfid-handler.js';
export {
  createStationHealthTracker,
  type IngestObservation,
  type StationCondition,
  type StationHealthEvent,
  type StationHealthOptions,
  type StationHealthThresholds,
  type StationHealthTracker,
} from '../provider/station-health.js';
export { withStationHealth } from '../provider/with-station-health.js';
export * from '../transport/index.js';
// ---- conformance verifier (also `fieldops verify rfid`) ----
export { type CheckResult, formatResults, type VerifyOptions } from '../verify/check.js';
export {
  RFID_VERIFY_VERSIONS,
  type RfidVersion,
  type VerifyRfidOptions,
  type VerifyRfidVersionsOptions,
  verifyRfid,
  verifyRfidVersions,
} from '../verify/rfid.js';
// ---- batching ----
export { type BatchLimits, batchIdempotencyKey, DEFAULT_BATCH_LIMITS, splitIntoBatches } from './batch.js';
export { createEventBatcher, type EventBatcher, type EventBatcherOptions } from './batcher.js';
// ---- client ----
export { createRfidClient, type RfidClientFor } from './client.js';
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
export type { HealthSource, IngestOutcome, RfidClient, RfidClientOptions, RfidClientV2 } from './types.js';
