// @fieldops/example-rfid-backend: a small RFID backend built on the SDK's provider handlers.

/** The durable backend (journal replay, token hashes, dedup by event id). */
export {
  type BackendRecord,
  type FileRfidBackend,
  type FileRfidBackendOptions,
  openFileRfidBackend,
} from './backend.js';
/** Idempotency keys that survive a restart. */
export { type FileIdempotencyStoreOptions, openFileIdempotencyStore } from './idempotency.js';
/** The append-only JSON-lines journal. */
export { type Journal, openJournal } from './journal.js';
/** The service: handler + backend + node:http. */
export { type RfidBackendService, type RfidBackendServiceOptions, startRfidBackend } from './server.js';
