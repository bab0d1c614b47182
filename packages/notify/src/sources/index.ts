import { AUTOMATION_SOURCES } from './automation.js';
import { CHIRPSTACK_SOURCES } from './chirpstack.js';
import { withConvertedVersions } from './converted.js';
import { RFID_SOURCES } from './rfid.js';
import type { SourceAdapters } from './source.js';

export { AUTOMATION_SOURCES } from './automation.js';
export { CHIRPSTACK_SOURCES } from './chirpstack.js';
export { withConvertedVersions } from './converted.js';
export { RFID_SOURCES } from './rfid.js';
export type { AlertDraft, SourceAdapter, SourceAdapters } from './source.js';

/**
 * Every built-in adapter, by event type. Registry events, device telemetry (uplinks, status, joins,
 * downlinks, logs, locations, gateway stats), agent heartbeats and fleet-sync batches (for the central
 * mirror) page nobody: they are ignored here.
 * Later versions of a type (`…station.health.v2`) are read through the contracts' converters.
 */
export const DEFAULT_SOURCES: SourceAdapters = withConvertedVersions({
  ...CHIRPSTACK_SOURCES,
  ...RFID_SOURCES,
  ...AUTOMATION_SOURCES,
  'io.fieldops.registry.device.changed.v1': () => null,
  'io.fieldops.chirpstack.device.uplink.v1': () => null,
  'io.fieldops.chirpstack.device.status.v1': () => null,
  'io.fieldops.chirpstack.device.joined.v1': () => null,
  'io.fieldops.chirpstack.device.downlink.v1': () => null,
  'io.fieldops.chirpstack.device.log.v1': () => null,
  'io.fieldops.chirpstack.device.location.v1': () => null,
  'io.fieldops.chirpstack.gateway.stats.v1': () => null,
  'io.fieldops.site.agent.heartbeat.v1': () => null,
  'io.fieldops.chirpstack.fleet.synced.v1': () => null,
});
