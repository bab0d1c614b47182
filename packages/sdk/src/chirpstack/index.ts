// @fieldops/sdk/chirpstack: the ChirpStack v4 integration point. The only entry of the SDK that loads
// protobuf code (@chirpstack/chirpstack-api, google-protobuf, @grpc/grpc-js).

export { desiredFromSnapshot } from './backup/desired.js';
export type { BackupReader, DeviceReadCache, ExportBackupOptions } from './backup/export.js';
export { exportSiteBackup, heldKeysFingerprint } from './backup/export.js';
export { canonicalJson, entityHash, HASH_EXCLUDED, withHash } from './backup/hash.js';
export type {
  IntegrationReader,
  IntegrationSecretAt,
  IntegrationSecretRefSource,
} from './backup/integrations.js';
export {
  exportIntegrations,
  integrationSecretFingerprint,
  integrationSecretRefsFromTemplate,
} from './backup/integrations.js';
export type { KeyRefSource } from './backup/key-refs.js';
export { firstKeyRefs, keyRefsFromSpec, keyRefsFromTemplate } from './backup/key-refs.js';
export type { RestoreClient, RestoreOptions, RestoreResult, TenantRestore } from './backup/restore.js';
export { RestoreRefusedError, restoreSite } from './backup/restore.js';
export type { ChirpStackClient, ChirpStackClientOptions } from './chirpstack-client.js';
// ---- client ----
/** Creates the typed gRPC client. */
export { createChirpStackClient } from './chirpstack-client.js';
export type { ServiceName } from './client.js';
export type { ChirpStackErrorCode } from './errors.js';
// ---- errors, retries, logging ----
export {
  ChirpStackAlreadyExistsError,
  ChirpStackDeadlineExceededError,
  ChirpStackError,
  ChirpStackInvalidArgumentError,
  ChirpStackNotFoundError,
  ChirpStackNotVisibleError,
  ChirpStackPermissionDeniedError,
  ChirpStackReadOnlyError,
  ChirpStackUnauthenticatedError,
  ChirpStackUnavailableError,
  errorFromGrpc,
  isChirpStackError,
  isDuplicateKeyError,
  isNotVisibleError,
  isOutcomeUnknown,
} from './errors.js';
export type { ExportFleetOptions, FleetConflict, FleetReader, MergedFleet } from './fleet.js';
// ---- hybrid mode: fleet snapshots for the central read-only view ----
export { exportFleet, mergeFleetSnapshots } from './fleet.js';
export type { GatewayConfigProblem } from './gateway-config/check.js';
// ---- AS923 gateway configuration ----
export { checkGatewayConfig, RADIO_HALF_BANDWIDTH_HZ } from './gateway-config/check.js';
export type { Concentrator, PlacedChannel, RadioLayout } from './gateway-config/layout.js';
export { buildRadioLayout } from './gateway-config/layout.js';
export type { ForwarderKind, GatewayConfigOptions, RenderedGatewayConfig } from './gateway-config/render.js';
export {
  GATEWAY_BRIDGE_FILE,
  renderGatewayConfig,
  requireRegionPlan,
  SEMTECH_UDP_FILE,
} from './gateway-config/render.js';
export type { Logger } from './logger.js';
export type {
  GatewayObservation,
  HealthEvent,
  HealthMonitor,
  HealthMonitorOptions,
  MonitorReader,
} from './monitor.js';
// ---- telemetry and health ----
export { createHealthMonitor } from './monitor.js';
export type {
  ApplyError,
  ApplyOptions,
  ApplyResult,
  ApplyWriter,
  RegistryWriteBack,
} from './reconcile/apply.js';
// ---- reconciler: declared state -> plan -> apply ----
export { applyPlan } from './reconcile/apply.js';
export type { DesiredProblem, DesiredState, RegistryLink } from './reconcile/desired.js';
export {
  collectDevices,
  collectGateways,
  deviceSpecFromRegistry,
  gatewaySpecFromRegistry,
} from './reconcile/desired.js';
export type { FormatPlanOptions } from './reconcile/format.js';
export { formatDiff, formatPlanTable } from './reconcile/format.js';
export type { ApplyJournal } from './reconcile/journal.js';
export { createFileJournal, createMemoryJournal } from './reconcile/journal.js';
export type { HeldLock, LockHolder, SiteLockOptions } from './reconcile/lock.js';
// ---- one apply per site: the lock, and the journal of who applied what ----
export { acquireSiteLock, SiteLockedError, SiteLockLostError } from './reconcile/lock.js';
export type {
  PlanOptions,
  PlanReader,
  PlanStep,
  ReconcilePlan,
  ReconcileProgress,
} from './reconcile/plan.js';
export { changeCount, planReconcile } from './reconcile/plan.js';
export type {
  JournalChange,
  JournalRecord,
  JournalRun,
  RunRecorder,
  StartRunOptions,
} from './reconcile/run-journal.js';
export { readRunJournal, startRun } from './reconcile/run-journal.js';
export type { ResolveSecret } from './reconcile/secrets.js';
export type { SyncState } from './reconcile/sync-tag.js';
export {
  DEVICE_ID_TAG,
  decodeSyncTag,
  encodeSyncTag,
  keysFingerprint,
  OWNER_TAG,
  SYNC_TAG,
} from './reconcile/sync-tag.js';
export type { ApplicationInput } from './resources/applications.js';
export type { DeviceProfileInput } from './resources/device-profiles.js';
/** Device-status requests per day a profile gets unless told otherwise (0 would mean no battery data). */
export { DEFAULT_DEVICE_STATUS_REQ_INTERVAL } from './resources/device-profiles.js';
export type { DeviceInput } from './resources/devices.js';
export type { GatewayInput, GatewayPatch } from './resources/gateways.js';
/** ChirpStack's own gateway defaults (downlink priority 10: the server refuses 0; stats every 30 s). */
export { DEFAULT_GATEWAY_DOWNLINK_PRIORITY, DEFAULT_GATEWAY_STATS_INTERVAL_S } from './resources/gateways.js';
export type {
  ApplicationIntegration,
  ApplicationIntegrationInput,
  AwsSnsIntegration,
  AzureServiceBusIntegration,
  BlynkIntegration,
  GcpPubSubIntegration,
  HttpIntegration,
  IftttIntegration,
  InfluxDbIntegration,
  IntegrationKind,
  ManagedIntegrationKind,
  MyDevicesIntegration,
  PilotThingsIntegration,
  ThingsBoardIntegration,
} from './resources/integrations.js';
export {
  FLAT_INTEGRATION_FIELDS,
  INTEGRATION_KINDS,
  isFlatIntegrationKind,
  isManagedIntegrationKind,
} from './resources/integrations.js';
/** Pagination helpers for the list iterators. */
export { collect } from './resources/paging.js';
export type { RetryOptions } from './retry.js';
export { backoffDelay, chirpstackRetryPolicy, DEFAULT_RETRY, isRetryableGrpc, shouldRetry } from './retry.js';
export type { ObservedStateSyncOptions, ObservedStateSyncResult, TelemetryReader } from './telemetry-sync.js';
// ---- link/read for telemetry: ChirpStack status -> registry observed state ----
export { syncObservedState } from './telemetry-sync.js';
export type * from './types.js';
