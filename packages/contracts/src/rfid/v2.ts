import { z } from 'zod';
import { StationId } from '../ids/v1.js';
import { timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import type { ApiContract, ApiOperation, ApiParameter } from '../internal/http-api.js';
import * as v1 from './v1.js';

// rfid.v2: what station health needs. An event batch the station sends itself carries its health
// (queue depth, temperature, firmware, clock offset) and the status answer reports the last one
// received. A batch sent for the station by a tool that cannot measure it (commissioning) carries none
// and leaves the last report as it was (decision 0051).
// Everything else is v1's, registered again under rfid.v2 (a schema knows one contract id, so error
// messages and generated documents name the version that was actually spoken).

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('rfid', 2, name, schema, description);

/** Largest batch `POST /api/v2/events` accepts (as in v1). */
export const MAX_EVENTS_PER_BATCH = v1.MAX_EVENTS_PER_BATCH;
/** Largest body `POST /api/v2/events` accepts, in bytes (as in v1). */
export const MAX_BATCH_BYTES = v1.MAX_BATCH_BYTES;

/** Body of `POST /api/v2/stations/claim` (as in v1). */
export const ClaimRequest = c('ClaimRequest', v1.ClaimRequest.clone());
export type ClaimRequest = z.infer<typeof ClaimRequest>;

/** What a station is told to do (as in v1). */
export const StationConfig = c('StationConfig', v1.StationConfig.clone());
export type StationConfig = z.infer<typeof StationConfig>;

/** Answer to a claim (as in v1). */
export const ClaimResponse = c(
  'ClaimResponse',
  z.object({ ...v1.ClaimResponse.shape, config: StationConfig }),
);
export type ClaimResponse = z.infer<typeof ClaimResponse>;

/** A tag read (as in v1). */
export const TagReadEvent = c('TagReadEvent', v1.TagReadEvent.clone());
/** A station heartbeat (as in v1). */
export const HeartbeatEvent = c('HeartbeatEvent', v1.HeartbeatEvent.clone());
/** A station fault (as in v1). */
export const FaultEvent = c('FaultEvent', v1.FaultEvent.clone());

/** One station event, by `type` (as in v1). */
export const RfidEvent = c(
  'RfidEvent',
  z.discriminatedUnion('type', [TagReadEvent, HeartbeatEvent, FaultEvent]),
);
export type RfidEvent = z.infer<typeof RfidEvent>;

const healthFields = {
  queue_depth: z
    .int()
    .min(0)
    .meta({ description: 'Events waiting in the station spool, this batch included.' }),
  temperature_c: z
    .number()
    .min(-55)
    .max(150)
    .meta({ description: 'Reader board temperature in °C (the range of common reader sensors).' }),
  firmware_version: z.string().min(1).max(64),
  clock_offset_ms: z.int().min(-86_400_000).max(86_400_000).meta({
    description: 'Station clock minus the NTP/backend reference, in ms (positive: the station is ahead).',
  }),
  measured_at: timestamp().meta({ description: 'When the station took these readings (station clock).' }),
};

/** The health a station reports with each batch. */
export const StationHealth = c(
  'StationHealth',
  z.object({
    station_id: StationId,
    ...healthFields,
  }),
);
export type StationHealth = z.infer<typeof StationHealth>;

/** Body of `POST /api/v2/events`: the events and, when the sender measured it, the station's health. */
export const EventBatch = c(
  'EventBatch',
  z.object({
    events: z.array(RfidEvent).min(1).max(MAX_EVENTS_PER_BATCH),
    health: StationHealth.optional().meta({
      description:
        "The sending station's health, measured by the station. A station's own batches carry it; a batch sent for the station by a tool that cannot measure it (commissioning reads) leaves it out, and the backend keeps the last health reported.",
    }),
  }),
);
export type EventBatch = z.infer<typeof EventBatch>;

/** Answer to an ingest (as in v1). */
export const IngestResult = c('IngestResult', v1.IngestResult.clone());
export type IngestResult = z.infer<typeof IngestResult>;

/** State of a station (as in v1). */
export const StationState = c('StationState', z.enum(v1.StationState.options));
export type StationState = z.infer<typeof StationState>;

/** The last health a station reported, as the status answer carries it. */
export const HealthReport = c(
  'HealthReport',
  z.object({
    ...healthFields,
    received_at: timestamp().meta({ description: 'When the backend received the batch (backend clock).' }),
  }),
);
export type HealthReport = z.infer<typeof HealthReport>;

/** Body of `GET /api/v2/stations/{id}/status`: v1's status and the last health report. */
export const StationStatus = c(
  'StationStatus',
  z.object({
    ...v1.StationStatus.shape,
    state: StationState,
    health: HealthReport.nullable().meta({
      description: 'The last health the station sent; null when it never sent one (a v1 station).',
    }),
  }),
);
export type StationStatus = z.infer<typeof StationStatus>;

/** Body of `POST /api/v2/stations/{id}/map` (as in v1). */
export const MapRequest = c('MapRequest', v1.MapRequest.clone());
export type MapRequest = z.infer<typeof MapRequest>;

/** Answer to a map request (as in v1). */
export const MapResponse = c('MapResponse', v1.MapResponse.clone());
export type MapResponse = z.infer<typeof MapResponse>;

/** The error body of every RFID API failure (as in v1). */
export const ErrorBody = c('ErrorBody', v1.ErrorBody.clone());
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `GET /api/v2/health` (as in v1). */
export const Health = c('Health', v1.Health.clone());
export type Health = z.infer<typeof Health>;

/** The value of the `Idempotency-Key` header (as in v1). */
export const IdempotencyKey = c('IdempotencyKey', v1.IdempotencyKey.clone());

/** A 96-bit EPC as 24 hex digits (as in v1). */
export const Epc96 = c('Epc96', v1.Epc96.clone());

// ---- the HTTP API: v1's operations on /api/v2 with v2's schemas ---------------------------------

const SCHEMAS = new Map<z.ZodType, z.ZodType>([
  [v1.ClaimRequest, ClaimRequest],
  [v1.ClaimResponse, ClaimResponse],
  [v1.EventBatch, EventBatch],
  [v1.IngestResult, IngestResult],
  [v1.StationStatus, StationStatus],
  [v1.MapRequest, MapRequest],
  [v1.MapResponse, MapResponse],
  [v1.ErrorBody, ErrorBody],
  [v1.Health, Health],
  [v1.IdempotencyKey, IdempotencyKey],
]);

function v2Schema(schema: z.ZodType): z.ZodType {
  return SCHEMAS.get(schema) ?? schema;
}

function v2Operation(op: ApiOperation): ApiOperation {
  const responses: Record<number, ApiOperation['responses'][number]> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[Number(status)] = { ...r, ...(r.body ? { body: v2Schema(r.body) } : {}) };
  }
  const parameters = op.parameters?.map((p): ApiParameter => ({ ...p, schema: v2Schema(p.schema) }));
  const description =
    op.operationId === 'ingestEvents'
      ? `${op.description} A station's own batch carries its health (a station token reports only its own: 403), and the backend keeps the last one for the status answer; a batch without health (commissioning reads sent for the station) leaves it unchanged.`
      : op.description;
  return {
    ...op,
    path: op.path.replace(/^\/api\/v1\//, '/api/v2/'),
    ...(description ? { description } : {}),
    ...(parameters ? { parameters } : {}),
    ...(op.requestBody ? { requestBody: v2Schema(op.requestBody) } : {}),
    responses,
  };
}

/** The RFID backend API (site LAN only), version 2. */
export const RFID_API: ApiContract = {
  point: 'rfid',
  version: 2,
  title: v1.RFID_API.title,
  description: `${v1.RFID_API.description} Version 2: a station's event batches carry its health; the status answer reports the last one.`,
  operations: v1.RFID_API.operations.map(v2Operation),
};

/** openapi-typescript types of the API (for openapi-fetch): `paths`, `components`, `operations`. */
export type { components, operations, paths } from '../generated/rfid-v2-paths.js';
