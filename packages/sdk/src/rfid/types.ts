import type { rfid } from '@fieldops/contracts';
import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import type { LookupFn } from '../transport/lan-guard.js';
import type { TransportOptions } from '../transport/transport.js';
import type { BatchLimits } from './batch.js';

/** Options of {@link createRfidClient}. */
export interface RfidClientOptions extends TransportOptions {
  /** Allow a base URL outside loopback / private / link-local ranges. Default false: ingest is LAN-only. */
  allowPublicNetwork?: boolean | undefined;
  /** Resolves host names for the LAN guard; defaults to the system resolver. */
  lookup?: LookupFn | undefined;
  /** Batch limits used by `ingestEvents` and batchers (default: the contract's maxima). */
  batch?: Partial<BatchLimits> | undefined;
  /** The API version the client speaks (`/api/v1` or `/api/v2`); default 1. */
  version?: 1 | 2 | undefined;
}

/** The station health a v2 batch carries: a value, or a function read once per batch sent. */
export type HealthSource =
  | rfidV2.StationHealth
  | (() => rfidV2.StationHealth | Promise<rfidV2.StationHealth>);

/** Result of an ingest, with the key that was used. */
export interface IngestOutcome extends rfid.IngestResult {
  /** Keys of the batches sent, in order. */
  idempotencyKeys: string[];
}

/** Typed client of the RFID backend API (`@fieldops/contracts/rfid/v1`). */
export interface RfidClient {
  /** The API version this client speaks. */
  readonly version: 1;
  /** Claims a station with its printed claim code. The answer holds the station token: keep it secret. */
  claimStation(request: rfid.ClaimRequest): Promise<rfid.ClaimResponse>;
  /** Sends exactly one batch; its Idempotency-Key derives from the event ids unless given. */
  ingestBatch(
    events: readonly rfid.RfidEvent[],
    options?: { idempotencyKey?: string },
  ): Promise<IngestOutcome>;
  /** Splits events into batches by count and bytes, sends them in order and sums the answers. */
  ingestEvents(events: readonly rfid.RfidEvent[]): Promise<IngestOutcome>;
  /** Status of a station. */
  stationStatus(stationId: string): Promise<rfid.StationStatus>;
  /**
   * Issues a new token for a claimed station and revokes its old ones (needs an operator token). The
   * answer holds the new station token: keep it secret.
   */
  reissueStationToken(stationId: string): Promise<rfid.ClaimResponse>;
  /** Assigns a station to a site and line (needs an operator token). */
  mapStation(stationId: string, request: rfid.MapRequest): Promise<rfid.MapResponse>;
  /** Health of the backend (no token needed). */
  health(): Promise<rfid.Health>;
  /** The batch limits this client uses. */
  readonly batchLimits: BatchLimits;
}

/** Typed client of the RFID backend API version 2 (`@fieldops/contracts/rfid/v2`): a station's batches carry its health. */
export interface RfidClientV2 {
  /** The API version this client speaks. */
  readonly version: 2;
  /** Claims a station with its printed claim code. The answer holds the station token: keep it secret. */
  claimStation(request: rfidV2.ClaimRequest): Promise<rfidV2.ClaimResponse>;
  /**
   * Sends exactly one batch with the station health; its Idempotency-Key derives from the event ids and
   * the health unless given. A station passes the health it measured; a tool sending for a station
   * (commissioning) passes none rather than invent one, and the backend keeps the last report.
   */
  ingestBatch(
    events: readonly rfidV2.RfidEvent[],
    options?: { health?: HealthSource; idempotencyKey?: string },
  ): Promise<IngestOutcome>;
  /** Splits events into batches by count and bytes and sends each with the station health (when given). */
  ingestEvents(
    events: readonly rfidV2.RfidEvent[],
    options?: { health?: HealthSource },
  ): Promise<IngestOutcome>;
  /** Status of a station, with the last health it reported (null when none). */
  stationStatus(stationId: string): Promise<rfidV2.StationStatus>;
  /** Issues a new token for a claimed station (operator token). The answer holds the new token: keep it secret. */
  reissueStationToken(stationId: string): Promise<rfidV2.ClaimResponse>;
  /** Assigns a station to a site and line (needs an operator token). */
  mapStation(stationId: string, request: rfidV2.MapRequest): Promise<rfidV2.MapResponse>;
  /** Health of the backend (no token needed). */
  health(): Promise<rfidV2.Health>;
  /** The batch limits this client uses. */
  readonly batchLimits: BatchLimits;
}
