import { z } from 'zod';
import { DeviceId, SiteId, StationId } from '../ids/v1.js';
import { timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { CloudEvent, EVENT_TYPE_PREFIX } from './v1.js';

// Event types at version 2. An event type is versioned on its own (the `.vN` at the end of its name),
// so this file holds only the types that have a v2; every other type is still v1 (events/v1.ts). The
// schema of `io.fieldops.<x>.v2` is registered as `events.v2.<Name>`, the name it has in v1.

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('events', 2, name, schema, description);

// The CloudEvents envelope is the same at every version of every type.
const { type: _type, data: _data, ...envelope } = CloudEvent.shape;

/** The health readings of a station, as the rfid.v2 batch carried them. */
const stationHealthSnapshot = z.object({
  queue_depth: z.int().min(0),
  temperature_c: z.number().min(-55).max(150),
  firmware_version: z.string().min(1).max(64),
  clock_offset_ms: z.int().min(-86_400_000).max(86_400_000),
  measured_at: timestamp(),
});

const stationHealthData = z.object({
  station_id: StationId,
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  condition: z.enum([
    'heartbeat_missed',
    'spool_backlog',
    'clock_skew',
    'ingest_error_rate',
    'temperature_high',
  ]),
  status: z.enum(['firing', 'resolved']),
  value: z.number().meta({
    description: 'Seconds since the heartbeat, events spooled, skew in s, error ratio or °C.',
  }),
  threshold: z.number(),
  detail: z.string().max(2000).optional(),
  health: stationHealthSnapshot.nullable().meta({
    description: 'The last health the station reported (rfid.v2); null when it never sent one.',
  }),
});

/** The event types whose current version is 2, with the schema of their data and what they mean. */
export const EVENT_TYPES = {
  'io.fieldops.rfid.station.health.v2': {
    data: stationHealthData,
    summary:
      'An RFID station health condition fires (re-sent while it lasts) or resolves, with the station health snapshot.',
  },
} as const;

/** One of the v2 event type names. */
export type EventType = keyof typeof EVENT_TYPES;
/** The list of v2 event type names. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** The schema name of a v2 event type (the same as its v1 name): `…station.health.v2` -> `RfidStationHealth`. */
export function eventSchemaName(type: string): string {
  return type
    .slice(EVENT_TYPE_PREFIX.length)
    .split('.')
    .slice(0, -1)
    .flatMap((p) => p.split('_'))
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The `dataschema` URI of a v2 event type. */
export function eventDataSchemaUri(type: EventType): string {
  return `urn:fieldops:schema:events.v2.${eventSchemaName(type)}`;
}

type EventShape<T extends EventType> = typeof envelope & {
  type: z.ZodLiteral<T>;
  data: (typeof EVENT_TYPES)[T]['data'];
};
/** The zod schema of one v2 event type. */
export type EventSchema<T extends EventType> = z.ZodObject<EventShape<T>>;

/** The envelope + data schema of each v2 event type, registered as `events.v2.<Name>`. */
export const EventSchemas = Object.fromEntries(
  EVENT_TYPE_NAMES.map((type) => [
    type,
    c(
      eventSchemaName(type),
      z.object({ ...envelope, type: z.literal(type), data: EVENT_TYPES[type].data }),
      EVENT_TYPES[type].summary,
    ),
  ]),
) as unknown as { [T in EventType]: EventSchema<T> };

/** The data of a v2 event of type `T`. */
export type EventData<T extends EventType> = z.output<(typeof EVENT_TYPES)[T]['data']>;
/** A v2 event of type `T`. */
export type EventOf<T extends EventType> = z.output<EventSchema<T>>;
