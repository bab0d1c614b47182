import { z } from 'zod';
import { DeploymentId, SiteId, StationId } from '../ids/v1.js';
import { errorBody, health, hexBytes, httpUrl, mac, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import type { ApiContract, ApiParameter } from '../internal/http-api.js';
import { contractVersionInfo } from '../lifecycle.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('rfid', 1, name, schema, description);

/** Largest batch `POST /api/v1/events` accepts. */
export const MAX_EVENTS_PER_BATCH = 1000;
/** Largest body `POST /api/v1/events` accepts, in bytes. */
export const MAX_BATCH_BYTES = 1_048_576;

/** Body of `POST /api/v1/stations/claim`, sent by a station on first boot. */
export const ClaimRequest = c(
  'ClaimRequest',
  z.object({
    claim_code: z.string().min(6).max(128).meta({ description: 'Printed on the station; one use.' }),
    mac: mac(),
    model: z.string().max(100).optional(),
    firmware_version: z.string().max(64).optional(),
  }),
);
export type ClaimRequest = z.infer<typeof ClaimRequest>;

/** What a station is told to do. */
export const StationConfig = c(
  'StationConfig',
  z.object({
    ingest_url: httpUrl(),
    heartbeat_interval_s: z.int().min(5).max(3600),
    batch_max_events: z.int().min(1).max(MAX_EVENTS_PER_BATCH),
    batch_max_wait_ms: z.int().min(0).max(600_000),
    antenna_power_dbm: z.number().min(0).max(33).optional(),
    antennas: z.array(z.int().min(1).max(32)).optional(),
    site_id: SiteId.optional(),
    line_id: z.string().max(64).optional(),
  }),
);
export type StationConfig = z.infer<typeof StationConfig>;

/** Answer to a claim: the station's id, its token (a secret on the wire, shown once) and config. */
export const ClaimResponse = c(
  'ClaimResponse',
  z.object({
    station_id: StationId,
    station_token: z.string().min(16).max(512).meta({
      // Not `writeOnly`: in OpenAPI that means "never sent in responses", and this is a response.
      description:
        'Bearer token of the station. Secret: sent once in this answer; never logged or stored in bundles.',
      'x-fieldops-secret': true,
    }),
    token_expires_at: timestamp().optional(),
    config: StationConfig,
  }),
);
export type ClaimResponse = z.infer<typeof ClaimResponse>;

const eventFields = {
  event_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/, {
      error: 'expected an event id of 8–128 letters, digits, . _ : -',
    })
    .meta({ description: 'Unique per event and stable across retries: the dedup key with station_id.' }),
  station_id: StationId,
  occurred_at: timestamp(),
  seq: z.int().min(0).optional().meta({ description: 'Station-local sequence number.' }),
};

/** A tag read. */
export const TagReadEvent = c(
  'TagReadEvent',
  z.object({
    ...eventFields,
    type: z.literal('tag_read'),
    epc: z
      .string()
      .regex(/^(?:[0-9A-Fa-f]{4}){1,16}$/, { error: 'expected an EPC of 4–64 hex digits' })
      .overwrite((v) => v.toLowerCase()),
    tid: z
      .string()
      .regex(/^[0-9A-Fa-f]{8,64}$/)
      .optional(),
    antenna: z.int().min(1).max(32),
    rssi_dbm: z.number().min(-130).max(0),
    read_count: z.int().min(1).optional(),
  }),
);

/** A station heartbeat. */
export const HeartbeatEvent = c(
  'HeartbeatEvent',
  z.object({
    ...eventFields,
    type: z.literal('heartbeat'),
    uptime_s: z.int().min(0),
    queue_depth: z.int().min(0),
    firmware_version: z.string().max(64).optional(),
  }),
);

/** A station fault. */
export const FaultEvent = c(
  'FaultEvent',
  z.object({
    ...eventFields,
    type: z.literal('fault'),
    code: z.string().min(1).max(64),
    message: z.string().max(2000),
    severity: z.enum(['warning', 'critical']),
  }),
);

/** One station event, by `type`. */
export const RfidEvent = c(
  'RfidEvent',
  z.discriminatedUnion('type', [TagReadEvent, HeartbeatEvent, FaultEvent]),
);
export type RfidEvent = z.infer<typeof RfidEvent>;

/** Body of `POST /api/v1/events` (sent with an `Idempotency-Key` header). */
export const EventBatch = c(
  'EventBatch',
  z.object({
    events: z.array(RfidEvent).min(1).max(MAX_EVENTS_PER_BATCH),
  }),
);
export type EventBatch = z.infer<typeof EventBatch>;

/** Answer to an ingest: how many events were new and how many were already stored. */
export const IngestResult = c(
  'IngestResult',
  z.object({
    accepted: z.int().min(0),
    duplicates: z.int().min(0),
  }),
);
export type IngestResult = z.infer<typeof IngestResult>;

/** State of a station as the backend sees it. */
export const StationState = c('StationState', z.enum(['unclaimed', 'online', 'degraded', 'offline']));
export type StationState = z.infer<typeof StationState>;

/** Body of `GET /api/v1/stations/{id}/status`. */
export const StationStatus = c(
  'StationStatus',
  z.object({
    station_id: StationId,
    state: StationState,
    mac: mac().optional(),
    last_seen_at: timestamp().nullable(),
    site_id: SiteId.optional(),
    line_id: z.string().max(64).optional(),
    deployment_id: DeploymentId.optional(),
    firmware_version: z.string().max(64).optional(),
    queue_depth: z.int().min(0).optional(),
    events_last_hour: z.int().min(0).optional(),
  }),
);
export type StationStatus = z.infer<typeof StationStatus>;

/** Body of `POST /api/v1/stations/{id}/map`: assign a station to a site and line. */
export const MapRequest = c(
  'MapRequest',
  z.object({
    site_id: SiteId,
    line_id: z.string().min(1).max(64),
    deployment_id: DeploymentId.optional(),
  }),
);
export type MapRequest = z.infer<typeof MapRequest>;

/** Answer to a map request. */
export const MapResponse = c(
  'MapResponse',
  z.object({
    station_id: StationId,
    site_id: SiteId,
    line_id: z.string().min(1).max(64),
    deployment_id: DeploymentId.optional(),
    mapped_at: timestamp(),
  }),
);
export type MapResponse = z.infer<typeof MapResponse>;

/** The error body of every RFID API failure. */
export const ErrorBody = c('ErrorBody', errorBody());
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `GET /api/v1/health`. */
export const Health = c('Health', health());
export type Health = z.infer<typeof Health>;

/** The value of the `Idempotency-Key` header (a batch derives it from its event ids). */
export const IdempotencyKey = c(
  'IdempotencyKey',
  z.string().regex(/^[A-Za-z0-9._:-]{8,255}$/, { error: 'expected an idempotency key of 8–255 characters' }),
);

/** A tag EPC helper schema (96-bit EPC as 24 hex digits) for callers that want the strict form. */
export const Epc96 = c('Epc96', hexBytes(12, 'a 96-bit EPC'));

// ---- the HTTP API ---------------------------------------------------------------------------

const stationIdParam: ApiParameter = { name: 'id', in: 'path', required: true, schema: StationId };
const errors = {
  400: { description: 'The input does not satisfy the contract.', body: ErrorBody },
  401: { description: 'Missing or invalid bearer token.', body: ErrorBody },
} as const;
const bodyErrors = {
  413: { description: 'The body is larger than the backend accepts.', body: ErrorBody },
  415: { description: 'The body is not application/json.', body: ErrorBody },
} as const;

/** The RFID backend API (site LAN only), version 1. */
export const RFID_API: ApiContract = {
  point: 'rfid',
  version: 1,
  title: 'fieldops RFID backend API',
  deprecation: contractVersionInfo('rfid', 1)?.deprecation,
  description:
    'Maps RFID stations to sites and lines and ingests their events idempotently. Served on the site LAN only.',
  operations: [
    {
      operationId: 'claimStation',
      method: 'post',
      path: '/api/v1/stations/claim',
      summary: 'Claim a station with its claim code; returns its id, token and config.',
      description:
        'A station has no token before it claims: the claim code is its credential, and it is one use. Any later claim with a used code is 409, whatever the MAC (a MAC is visible on the LAN, so it proves nothing). A station that lost its token gets a new one from an operator (reissueStationToken).',
      idempotent: true,
      auth: false,
      responses: {
        200: { description: 'Claimed.', body: ClaimResponse },
        ...errors,
        ...bodyErrors,
        404: { description: 'Unknown claim code.', body: ErrorBody },
        409: { description: 'The claim code was already used.', body: ErrorBody },
      },
      requestBody: ClaimRequest,
    },
    {
      operationId: 'ingestEvents',
      method: 'post',
      path: '/api/v1/events',
      summary: 'Ingest a batch of station events, idempotently.',
      description:
        'Same Idempotency-Key + same body replays the first answer; same key + another body is 422; a concurrent duplicate is 409. Keys are scoped to the caller: another token using the same key never gets this answer. Events are also deduplicated by (station_id, event_id) across batches. A station token writes only events of its own station_id (403); an event of a station that was never claimed is refused (404), never stored as a new station.',
      idempotent: true,
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          schema: IdempotencyKey,
          description: 'Derived from the batch event ids, so a retry (even after a crash) reuses it.',
        },
      ],
      requestBody: EventBatch,
      responses: {
        200: { description: 'Stored; counts of new and duplicate events.', body: IngestResult },
        ...errors,
        ...bodyErrors,
        403: { description: "The batch holds events of a station other than the token's.", body: ErrorBody },
        404: { description: 'An event names a station that was never claimed.', body: ErrorBody },
        409: { description: 'A request with the same key is in flight.', body: ErrorBody },
        422: { description: 'The Idempotency-Key was used with another body.', body: ErrorBody },
      },
    },
    {
      operationId: 'getStationStatus',
      method: 'get',
      path: '/api/v1/stations/{id}/status',
      summary: 'Status of one station.',
      description: 'A station token reads only its own status (403 for any other id); an operator reads any.',
      idempotent: true,
      parameters: [stationIdParam],
      responses: {
        200: { description: 'The status.', body: StationStatus },
        ...errors,
        403: { description: 'A station token asked for another station.', body: ErrorBody },
        404: { description: 'No such station.', body: ErrorBody },
      },
    },
    {
      operationId: 'mapStation',
      method: 'post',
      path: '/api/v1/stations/{id}/map',
      summary: 'Assign a station to a site and line.',
      description:
        'An operator action (a station token is refused with 403). Mapping again to the same site and line is a no-op answering the same body.',
      idempotent: true,
      parameters: [stationIdParam],
      requestBody: MapRequest,
      responses: {
        200: { description: 'Mapped.', body: MapResponse },
        ...errors,
        ...bodyErrors,
        403: { description: 'Mapping is an operator action; station tokens are refused.', body: ErrorBody },
        404: { description: 'No such station.', body: ErrorBody },
      },
    },
    {
      operationId: 'reissueStationToken',
      method: 'post',
      path: '/api/v1/stations/{id}/token',
      summary: 'Issue a new token for a claimed station and revoke its old ones.',
      description:
        'An operator action (a station token is refused with 403): how a station that lost its token, or whose token leaked, gets a new one. The claim code stays used.',
      idempotent: false,
      parameters: [stationIdParam],
      responses: {
        200: { description: 'The new token (shown once) and the station config.', body: ClaimResponse },
        ...errors,
        403: {
          description: 'Re-issuing is an operator action; station tokens are refused.',
          body: ErrorBody,
        },
        404: { description: 'No such claimed station.', body: ErrorBody },
      },
    },
    {
      operationId: 'getHealth',
      method: 'get',
      path: '/api/v1/health',
      summary: 'Health of the RFID backend.',
      idempotent: true,
      auth: false,
      responses: {
        200: { description: 'Healthy or degraded.', body: Health },
        503: { description: 'Down.', body: Health },
      },
    },
  ],
};

/** openapi-typescript types of the API (for openapi-fetch): `paths`, `components`, `operations`. */
export type { components, operations, paths } from '../generated/rfid-v1-paths.js';
