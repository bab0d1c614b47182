// @fieldops/fleet: the hybrid ChirpStack fleet. Sites are authoritative; the centre is a read-only
// mirror fed by an incremental sync over the bus, and holds each site's backup.

// ---- centre side: the mirror ----
export { createFleetApiHandler, encodeCursor, type FleetApiOptions } from './centre/api.js';
export { type ApplyOutcome, applyFleetBatch, FleetOutOfOrderError } from './centre/apply.js';
export { type FleetMirrorOptions, fleetSyncHandlers, startFleetMirror } from './centre/handlers.js';
export {
  countFleet,
  deviceStatus,
  type EntityPageQuery,
  type MirrorRow,
  type PagePosition,
  pageEntities,
  type RowPage,
} from './centre/pages.js';
export { FLEET_SCHEMA, migrateFleet } from './centre/schema.js';
export { type ServeFleetApiOptions, serveFleetApi } from './centre/serve.js';
export {
  createFleetStore,
  type FleetStore,
  type FleetStoreOptions,
  type MirroredDevice,
  type MirroredGateway,
  type SiteSyncStatus,
} from './centre/store.js';
export { type CentreReader, httpCentreReader } from './drift/centre-reader.js';
// ---- drift: registry vs site vs centre ----
export {
  type CompareInput,
  compareFleet,
  type DriftReport,
  type DriftSource,
  type EntityDrift,
  type EntityView,
  type FieldDrift,
  type RegistryView,
  type ViewEntity,
  viewKey,
} from './drift/compare.js';
export {
  type DiffSiteOptions,
  type DiffSiteReader,
  diffSite,
  type SiteDriftReport,
} from './drift/diff-site.js';
export { registryView, snapshotView } from './drift/views.js';
// ---- site side: what to send ----
export {
  type BuildBatchesOptions,
  buildSyncBatches,
  entityKey,
  type SiteSyncState,
} from './site/batches.js';
export { createFileSyncState, createMemorySyncState, type SyncStateStore } from './site/state.js';
export {
  createFleetSyncer,
  type EmitEvents,
  FLEET_SYNCED,
  type FleetSyncedEvent,
  type FleetSyncer,
  type FleetSyncerOptions,
  fleetSyncEvent,
  type SyncRound,
} from './site/syncer.js';
