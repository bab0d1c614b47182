import { AUTOMATION_SOURCES } from './automation.js';
import { CHIRPSTACK_SOURCES } from './chirpstack.js';
import { RFID_SOURCES } from './rfid.js';
import type { SourceAdapters } from './source.js';

export { AUTOMATION_SOURCES } from './automation.js';
export { CHIRPSTACK_SOURCES } from './chirpstack.js';
export { RFID_SOURCES } from './rfid.js';
export type { AlertDraft, SourceAdapter, SourceAdapters } from './source.js';

/** Every built-in adapter, by event type; registry events are ignored. */
export const DEFAULT_SOURCES: SourceAdapters = {
  ...CHIRPSTACK_SOURCES,
  ...RFID_SOURCES,
  ...AUTOMATION_SOURCES,
  'io.fieldops.registry.device.changed.v1': () => null,
};
