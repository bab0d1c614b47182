import { z } from 'zod';
import { RunStatus } from '../automation/v1.js';
import { FleetSyncBatch, GatewayState } from '../chirpstack/v1.js';
import { DeploymentId, DeviceId, GatewayId, RunId, SiteId, StationId } from '../ids/v1.js';
import { eui64, json, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { StationState } from '../rfid/v1.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('events', 1, name, schema, description);

/** Prefix of every fieldops event type; the type's last segment is its version (`….v1`). */
export const EVENT_TYPE_PREFIX = 'io.fieldops.';

/** A W3C trace context `traceparent`: `00-<trace id>-<parent id>-<flags>`. */
export const Traceparent = c(
  'Traceparent',
  z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, {
      error: 'expected a W3C traceparent 00-<32 hex>-<16 hex>-<2 hex>',
    })
    .refine((v) => !/^00-0{32}-/.test(v) && !/-0{16}-[0-9a-f]{2}$/.test(v), {
      error: 'expected a W3C traceparent with non-zero trace and parent ids',
    }),
);

// RFC 9110 §8.3.1: media-type = type "/" subtype *( OWS ";" OWS parameter ), case-insensitive
// type and subtype; a parameter value is a token or a quoted string. The CloudEvents SDK's binary
// mode sends `application/json; charset=utf-8`.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
// Case-insensitive without the `i` flag, which JSON Schema patterns cannot carry.
const caseless = (word: string) => word.replace(/[a-z]/g, (ch) => `[${ch}${ch.toUpperCase()}]`);
const JSON_MEDIA_TYPE = new RegExp(
  `^${caseless('application')}/${caseless('json')}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*[ \\t]*$`,
);

const envelope = {
  specversion: z.literal('1.0', { error: 'expected specversion 1.0' }),
  id: z.string().min(1).max(256).meta({ description: 'Unique within source; source + id is the dedup key.' }),
  source: z
    .string()
    .min(1)
    .max(512)
    .meta({ description: 'URI-reference of the producer, e.g. `/sites/site_…/chirpstack`.' }),
  time: timestamp().optional(),
  subject: z.string().max(512).optional(),
  datacontenttype: z
    .string()
    .max(256)
    .regex(JSON_MEDIA_TYPE, {
      error: 'expected application/json (media-type parameters such as charset allowed)',
    })
    .optional()
    .meta({
      description: '`application/json`, optionally with parameters (`application/json; charset=utf-8`).',
    }),
  dataschema: z.string().max(512).optional(),
  traceparent: Traceparent.optional(),
};

/** The CloudEvents 1.0 envelope with any `type` and any `data`. */
export const CloudEvent = c(
  'CloudEvent',
  z.object({
    ...envelope,
    type: z.string().min(1).max(256),
    data: json().optional(),
  }),
);
export type CloudEvent = z.infer<typeof CloudEvent>;

// ---- data of each event type ---------------------------------------------------------------

const runData = z.object({
  automation_run_id: RunId,
  deployment_id: DeploymentId,
  site_id: SiteId.optional(),
  project: z.string(),
  status: RunStatus,
  failed_step: z.string().optional(),
  message: z.string().max(4000).optional(),
  bundle_url: z.string().optional(),
  ticket_id: z.string().optional(),
});

const gatewayData = z.object({
  gateway_eui: eui64('a gateway EUI'),
  gateway_id: GatewayId.optional(),
  site_id: SiteId.optional(),
  name: z.string().optional(),
  state: GatewayState,
  previous_state: GatewayState,
  last_seen_at: timestamp().nullable(),
});

const deviceInactiveData = z.object({
  dev_eui: eui64('a DevEUI'),
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  name: z.string().optional(),
  last_seen_at: timestamp().nullable(),
  expected_uplink_interval_s: z.int().positive(),
});

const batteryData = z.object({
  dev_eui: eui64('a DevEUI'),
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  name: z.string().optional(),
  battery_level: z.number().min(0).max(100),
  threshold: z.number().min(0).max(100),
});

const stationData = z.object({
  station_id: StationId,
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  line_id: z.string().optional(),
  state: StationState,
  previous_state: StationState,
  last_seen_at: timestamp().nullable(),
});

const backendData = z.object({
  base_url: z.string(),
  site_id: SiteId.optional(),
  status: z.enum(['ok', 'degraded', 'down']),
  previous_status: z.enum(['ok', 'degraded', 'down']),
  detail: z.string().max(2000).optional(),
});

const deviceChangedData = z.object({
  device_id: DeviceId,
  site_id: SiteId.optional(),
  change: z.enum(['created', 'updated', 'deleted', 'observed_state_changed']),
  version: z.int().min(0).optional(),
  fields: z.array(z.string()).optional(),
});

const deviceRef = {
  dev_eui: eui64('a DevEUI'),
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  application_id: z.string().max(64).optional(),
  name: z.string().optional(),
};

const uplinkData = z.object({
  ...deviceRef,
  f_cnt: z.int().min(0),
  f_port: z.int().min(0).max(255),
  dr: z.int().min(0).max(15),
  confirmed: z.boolean(),
  payload_size: z.int().min(0),
  rssi: z.number().nullable().meta({ description: 'Best RSSI over the receiving gateways (dBm).' }),
  snr: z.number().nullable(),
  gateways: z.int().min(0).meta({ description: 'How many gateways received the frame.' }),
  data_base64: z
    .string()
    .optional()
    .meta({ description: 'The payload, only when the site asked for payloads.' }),
  object: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "The codec's decoded object, only when asked for." }),
});

const deviceStatusData = z.object({
  ...deviceRef,
  margin: z.int().min(-32).max(32),
  external_power_source: z.boolean(),
  battery_level: z.number().min(0).max(100).nullable().meta({ description: 'Percent; null when unknown.' }),
});

const deviceJoinedData = z.object({ ...deviceRef, dev_addr: z.string().regex(/^[0-9a-f]{8}$/) });

const deviceDownlinkData = z.object({
  ...deviceRef,
  kind: z
    .enum(['ack', 'txack'])
    .meta({ description: 'ack: the device confirmed; txack: a gateway took it.' }),
  f_cnt_down: z.int().min(0),
  acknowledged: z.boolean().optional(),
  gateway_eui: eui64('a gateway EUI').optional(),
  queue_item_id: z.string().max(64).optional(),
});

const deviceLogData = z.object({
  ...deviceRef,
  level: z.enum(['info', 'warning', 'error']),
  code: z.string().max(64).meta({ description: 'ChirpStack LogCode name, e.g. UPLINK_CODEC.' }),
  description: z.string().max(2000),
});

const deviceLocationData = z.object({
  ...deviceRef,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  altitude: z.number(),
  source: z.string().max(64),
});

const gatewayStatsData = z.object({
  gateway_eui: eui64('a gateway EUI'),
  gateway_id: GatewayId.optional(),
  site_id: SiteId.optional(),
  rx_received: z.int().min(0),
  rx_ok: z.int().min(0),
  tx_received: z.int().min(0),
  tx_emitted: z.int().min(0),
});

const heartbeatData = z.object({
  site_id: SiteId.optional(),
  agent: z.string().max(256).meta({ description: 'The sending agent (its CloudEvents source).' }),
  started_at: timestamp(),
  sequence: z.int().min(0),
  interval_s: z.number().positive().meta({ description: 'The next heartbeat is due within this.' }),
  monitors: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().max(500).optional() })),
});

const stationHealthData = z.object({
  station_id: StationId,
  device_id: DeviceId.optional(),
  site_id: SiteId.optional(),
  condition: z.enum(['heartbeat_missed', 'spool_backlog', 'clock_skew', 'ingest_error_rate']),
  status: z.enum(['firing', 'resolved']),
  value: z
    .number()
    .meta({ description: 'Seconds since the heartbeat, events spooled, skew in s or error ratio.' }),
  threshold: z.number(),
  detail: z.string().max(2000).optional(),
});

/** Every event type fieldops emits, with the schema of its data and what it means. */
export const EVENT_TYPES = {
  'io.fieldops.automation.run.started.v1': { data: runData, summary: 'An automation run started.' },
  'io.fieldops.automation.run.succeeded.v1': {
    data: runData,
    summary: 'An automation run finished with every step done.',
  },
  'io.fieldops.automation.run.failed.v1': { data: runData, summary: 'An automation run failed.' },
  'io.fieldops.automation.run.cancelled.v1': { data: runData, summary: 'An automation run was cancelled.' },
  'io.fieldops.chirpstack.gateway.offline.v1': { data: gatewayData, summary: 'A gateway stopped reporting.' },
  'io.fieldops.chirpstack.gateway.online.v1': { data: gatewayData, summary: 'A gateway reports again.' },
  'io.fieldops.chirpstack.device.inactive.v1': {
    data: deviceInactiveData,
    summary: 'A device sent nothing for 1.5 × its uplink interval.',
  },
  'io.fieldops.chirpstack.device.battery_low.v1': {
    data: batteryData,
    summary: 'A device battery fell below the threshold.',
  },
  'io.fieldops.rfid.station.offline.v1': { data: stationData, summary: 'An RFID station went offline.' },
  'io.fieldops.rfid.station.online.v1': { data: stationData, summary: 'An RFID station is online again.' },
  'io.fieldops.rfid.backend.health_changed.v1': {
    data: backendData,
    summary: 'The RFID backend health changed.',
  },
  'io.fieldops.chirpstack.device.uplink.v1': {
    data: uplinkData,
    summary: 'A device uplink, summarised (payload only when asked for).',
  },
  'io.fieldops.chirpstack.device.status.v1': {
    data: deviceStatusData,
    summary: 'A device reported battery and link margin.',
  },
  'io.fieldops.chirpstack.device.joined.v1': { data: deviceJoinedData, summary: 'A device joined (OTAA).' },
  'io.fieldops.chirpstack.device.downlink.v1': {
    data: deviceDownlinkData,
    summary: 'A downlink was acknowledged by the device (ack) or taken by a gateway (txack).',
  },
  'io.fieldops.chirpstack.device.log.v1': {
    data: deviceLogData,
    summary: 'ChirpStack logged a device warning or error (codec, MIC, frame counter, …).',
  },
  'io.fieldops.chirpstack.device.location.v1': {
    data: deviceLocationData,
    summary: 'A device location was resolved.',
  },
  'io.fieldops.chirpstack.gateway.stats.v1': {
    data: gatewayStatsData,
    summary: 'A gateway sent its periodic statistics.',
  },
  'io.fieldops.rfid.station.health.v1': {
    data: stationHealthData,
    summary: 'An RFID station health condition fires (re-sent while it lasts) or resolves.',
  },
  'io.fieldops.site.agent.heartbeat.v1': {
    data: heartbeatData,
    summary: "A site agent is alive (for notify's dead-man's switch).",
  },
  'io.fieldops.chirpstack.fleet.synced.v1': {
    data: FleetSyncBatch,
    summary:
      "A site's fleet changes (or a part of a full snapshot) for the central mirror, in order per site by sequence.",
  },
  'io.fieldops.registry.device.changed.v1': {
    data: deviceChangedData,
    summary: 'A registry device record changed.',
  },
} as const;

/** One of the event type names. */
export type EventType = keyof typeof EVENT_TYPES;
/** The list of event type names. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** The schema name of an event type: `io.fieldops.chirpstack.gateway.offline.v1` -> `ChirpstackGatewayOffline`. */
export function eventSchemaName(type: string): string {
  const parts = type.slice(EVENT_TYPE_PREFIX.length).split('.').slice(0, -1);
  return parts
    .flatMap((p) => p.split('_'))
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

const dataSchemaUris = new Map<string, string>();

/** The `dataschema` URI of an event type (computed once per type: `buildEvent` runs per MQTT message). */
export function eventDataSchemaUri(type: EventType): string {
  let uri = dataSchemaUris.get(type);
  if (uri === undefined) {
    uri = `urn:fieldops:schema:events.v1.${eventSchemaName(type)}`;
    if (Object.hasOwn(EVENT_TYPES, type)) dataSchemaUris.set(type, uri); // a closed set: the cache stays small
  }
  return uri;
}

type EventShape<T extends EventType> = typeof envelope & {
  type: z.ZodLiteral<T>;
  data: (typeof EVENT_TYPES)[T]['data'];
};
/** The zod schema of one event type. */
export type EventSchema<T extends EventType> = z.ZodObject<EventShape<T>>;

function eventSchema<T extends EventType>(type: T): EventSchema<T> {
  return z.object({
    ...envelope,
    type: z.literal(type),
    data: EVENT_TYPES[type].data,
  }) as unknown as EventSchema<T>;
}

/** The envelope + data schema of each event type, registered as `events.v1.<Name>`. */
export const EventSchemas = Object.fromEntries(
  EVENT_TYPE_NAMES.map((type) => [
    type,
    c(eventSchemaName(type), eventSchema(type), EVENT_TYPES[type].summary),
  ]),
) as { [T in EventType]: EventSchema<T> };

/** Any fieldops event, by `type`. */
export const FieldopsEvent = c(
  'FieldopsEvent',
  z.discriminatedUnion(
    'type',
    EVENT_TYPE_NAMES.map((t) => EventSchemas[t]) as unknown as [
      EventSchema<EventType>,
      ...EventSchema<EventType>[],
    ],
  ),
);

/** The data of an event of type `T`. */
export type EventData<T extends EventType> = z.output<(typeof EVENT_TYPES)[T]['data']>;
/** An event of type `T`. */
export type EventOf<T extends EventType> = z.output<EventSchema<T>>;
/** Any fieldops event. */
export type FieldopsEvent = { [T in EventType]: EventOf<T> }[EventType];

/** What {@link buildEvent} needs beyond type and data. */
export interface BuildEventOptions {
  source: string;
  id: string;
  time?: string;
  subject?: string;
  traceparent?: string;
}

/** Builds a well-formed event (sets `specversion`, `datacontenttype`, `dataschema`); validates nothing. */
export function buildEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  options: BuildEventOptions,
): EventOf<T> {
  // Assignments, not conditional spreads: this runs once per telemetry message (same key order).
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: options.id,
    source: options.source,
    type,
    time: options.time ?? new Date().toISOString(),
  };
  if (options.subject !== undefined) event.subject = options.subject;
  event.datacontenttype = 'application/json';
  event.dataschema = eventDataSchemaUri(type);
  if (options.traceparent !== undefined) event.traceparent = options.traceparent;
  event.data = data;
  return event as EventOf<T>;
}

/** The dedup key of an event: `source` + `id`. */
export function eventKey(event: { source: string; id: string }): string {
  return `${event.source}\u0000${event.id}`;
}
