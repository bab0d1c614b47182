import { defineConverter } from '../internal/converter.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';

// Converters between rfid.v1 and rfid.v2, beside the two versions they join. A provider keeps its
// state in v2's terms and answers a v1 caller through `down`; an answer of a v1-only backend reaches a
// v2 caller through `up`. A v1 batch has no health to report, and inventing one would be a lie; it is
// ingested as v1, so there is no `up` for EventBatch (v2's health is optional since decision 0051).

/** rfid.v1.StationStatus → rfid.v2.StationStatus: `health` is null (a v1 answer knows none). */
export const upStationStatus = defineConverter({
  subject: 'rfid.StationStatus',
  from: 1,
  to: 2,
  fromSchema: v1.StationStatus,
  toSchema: v2.StationStatus,
  lossy: false,
  note: 'health: null (no health known)',
  map: (s) => ({ ...s, health: null }),
});

/** rfid.v2.StationStatus → rfid.v1.StationStatus: drops `health`; its queue depth and firmware fill v1's fields when those are absent. */
export const downStationStatus = defineConverter({
  subject: 'rfid.StationStatus',
  from: 2,
  to: 1,
  fromSchema: v2.StationStatus,
  toSchema: v1.StationStatus,
  lossy: true,
  note: 'drops health (temperature, clock offset); queue depth and firmware fill the v1 fields when absent',
  map: ({ health, ...rest }) => ({
    ...rest,
    ...(rest.queue_depth === undefined && health ? { queue_depth: health.queue_depth } : {}),
    ...(rest.firmware_version === undefined && health ? { firmware_version: health.firmware_version } : {}),
  }),
});

/** rfid.v2.EventBatch → rfid.v1.EventBatch: the events, without the health. */
export const downEventBatch = defineConverter({
  subject: 'rfid.EventBatch',
  from: 2,
  to: 1,
  fromSchema: v2.EventBatch,
  toSchema: v1.EventBatch,
  lossy: true,
  note: 'drops health; the events pass unchanged (no up: a v1 batch has no health to report)',
  map: ({ events }) => ({ events }),
});

/** Every rfid converter, for the compatibility matrix. */
export const RFID_CONVERTERS = [upStationStatus, downStationStatus, downEventBatch] as const;
