// @fieldops/sdk/registry: the typed registry API client and the HTTP transport it shares with the
// RFID client (errors, retry rules, logger and token types).

// ---- shared: provider plumbing and the HTTP transport (errors, retry, LAN guard, types) ----
export * from '../provider/index.js';
// ---- provider side: implement the registry API in your service ----
export {
  createMemoryRegistryBackend,
  type MemoryRegistryBackend,
  type MemoryRegistryBackendOptions,
  type RegistryBackend,
  type WriteConditions,
} from '../provider/registry-backend.js';
export { buildDeviceChangedEvent, type DeviceChange } from '../provider/registry-device-event.js';
export { createRegistryHandler, type RegistryHandlerOptions } from '../provider/registry-handler.js';
export {
  createSqlRegistryBackend,
  type SqlRegistryBackend,
  type SqlRegistryBackendOptions,
  type TransactionalEventSink,
} from '../provider/registry-sql-backend.js';
export {
  migrateRegistryStore,
  REGISTRY_SCHEMA,
  type RegistrySqlDatabase,
  type RegistrySqlExecutor,
} from '../provider/registry-sql-schema.js';
export * from '../transport/index.js';
// ---- conformance verifier (also `fieldops verify registry`) ----
export { type CheckResult, formatResults, type VerifyOptions } from '../verify/check.js';
export { type VerifyRegistryOptions, verifyRegistry } from '../verify/registry.js';
// ---- client ----
export { createRegistryClient } from './client.js';
export type { DeviceWithEtag, RegistryClient, RegistryClientOptions } from './types.js';
