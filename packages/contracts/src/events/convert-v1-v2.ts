import { defineConverter, notConvertible } from '../internal/converter.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';

// Converters between the v1 and v2 of `io.fieldops.rfid.station.health`, beside the versions they join.
// A consumer that declares only v1 reads a v2 event through `down` (the bus consumer and notify's sources
// do this); a v2 consumer reads an old producer's v1 event through `up`.

const BASE = 'io.fieldops.rfid.station.health';
const V1 = `${BASE}.v1` as const;
const V2 = `${BASE}.v2` as const;

/** v1 → v2: `health` is null (a v1 producer sent none); type (and dataschema, when set) name v2. */
export const upStationHealthEvent = defineConverter({
  subject: BASE,
  from: 1,
  to: 2,
  fromSchema: v1.EventSchemas[V1],
  toSchema: v2.EventSchemas[V2],
  lossy: false,
  note: 'health: null',
  map: (e) => ({
    ...e,
    type: V2,
    ...(e.dataschema !== undefined ? { dataschema: v2.eventDataSchemaUri(V2) } : {}),
    data: { ...e.data, health: null },
  }),
});

/** v2 → v1: drops `health`; refuses `temperature_high`, a condition v1 cannot name. */
export const downStationHealthEvent = defineConverter({
  subject: BASE,
  from: 2,
  to: 1,
  fromSchema: v2.EventSchemas[V2],
  toSchema: v1.EventSchemas[V1],
  lossy: true,
  note: 'drops health; a temperature_high condition has no v1 equivalent and is refused',
  map: (e) => {
    const { health: _health, condition, ...data } = e.data;
    if (condition === 'temperature_high') {
      throw notConvertible(
        v1.EventSchemas[V1],
        ['data', 'condition'],
        'temperature_high has no v1 equivalent (v1 knows heartbeat_missed, spool_backlog, clock_skew, ingest_error_rate)',
      );
    }
    return {
      ...e,
      type: V1,
      ...(e.dataschema !== undefined ? { dataschema: v1.eventDataSchemaUri(V1) } : {}),
      data: { ...data, condition },
    };
  },
});

/** Every event converter, for the bus consumer, notify's sources and the compatibility matrix. */
export const EVENT_CONVERTERS = [upStationHealthEvent, downStationHealthEvent] as const;
