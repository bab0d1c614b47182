import { randomBytes } from 'node:crypto';
import { newId, type rfid } from '@fieldops/contracts';
import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import type { Clock } from '@fieldops/core';
import { clockOf } from '../internal/clock.js';
import { ProviderError } from './errors.js';

/**
 * Who holds a token: an operator (every station), one station (its own station_id only), or
 * anybody at all on a backend configured without tokens.
 */
export type RfidCaller =
  | { kind: 'operator' }
  | { kind: 'station'; stationId: string }
  | { kind: 'anonymous' };

/** What came with an ingest beside the events: the station health of an rfid.v2 batch. */
export interface IngestContext {
  /** The health the sending station reported with the batch (rfid.v2); absent for a v1 batch. */
  health?: rfidV2.StationHealth | undefined;
}

/**
 * A station status in either version's terms: a backend that keeps station health answers the v2 shape
 * (with `health`, null when none was reported) and the handler converts it down for v1 callers; a
 * backend without health answers the v1 shape and v2 callers get it converted up (`health: null`).
 */
export type AnyStationStatus = rfid.StationStatus | rfidV2.StationStatus;

/**
 * What a service implementing the RFID API provides; the handler does HTTP, validation and
 * idempotency. Methods throw ProviderError for contract errors (404, 409).
 */
export interface RfidBackend {
  /** Claims a station (404 unknown code, 409 code already used: a claim code is one use). */
  claim(request: rfid.ClaimRequest): Promise<rfid.ClaimResponse>;
  /**
   * Stores events, deduplicated by (station_id, event_id); returns how many were new. An event of a
   * station that was never claimed is refused (ProviderError 404), never stored as a new station.
   */
  ingest(events: readonly rfid.RfidEvent[], context?: IngestContext): Promise<rfid.IngestResult>;
  /** Status of a station (404 when unknown), in v1 or v2 terms (see AnyStationStatus). */
  status(stationId: string): Promise<AnyStationStatus>;
  /** Maps a station to a site and line (404 when unknown). */
  map(stationId: string, request: rfid.MapRequest): Promise<rfid.MapResponse>;
  /** Health report. */
  health(): Promise<rfid.Health>;
  /**
   * Issues a new token for a claimed station and revokes its old ones (operator action; the handler
   * refuses station tokens). 404 when unknown.
   */
  reissueToken?(stationId: string): Promise<rfid.ClaimResponse>;
  /**
   * Who holds `token` (undefined: refuse with 401). The handler scopes every request by it: a station
   * token writes only its own station_id and reads only its own status, and may not map.
   */
  caller?(token: string | undefined): RfidCaller | undefined | Promise<RfidCaller | undefined>;
  /**
   * True for a valid token. Superseded by `caller`: a backend with only this cannot tell station
   * tokens apart, so every valid token acts as an operator (and `fieldops verify rfid` fails it).
   */
  isValidToken?(token: string): boolean | Promise<boolean>;
}

/** Options of {@link createMemoryRfidBackend}. */
export interface MemoryRfidBackendOptions {
  /** Claim codes that may be claimed. */
  claimCodes?: readonly string[];
  /**
   * Operator tokens. When given, every operation but claim needs one of them or a station token
   * handed out by a claim; when empty, the backend accepts every request.
   */
  apiTokens?: readonly string[];
  /** Station ids known without a claim (tests and demos that ingest without claiming first). */
  stations?: readonly string[];
  /** Config handed to claimed stations; `ingest_url` defaults to `http://127.0.0.1/api/v1/events`. */
  stationConfig?: Partial<rfid.StationConfig>;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
}

interface Station {
  station_id: string;
  mac: string;
  claim_code: string;
  firmware_version?: string | undefined;
  site_id?: string;
  line_id?: string;
  deployment_id?: string;
  mapped_at?: string;
  last_seen_at: number | undefined;
  queue_depth?: number;
  health?: rfidV2.HealthReport;
}

/** The in-memory RFID backend with inspection helpers (the test kit and examples use it). */
export interface MemoryRfidBackend extends RfidBackend {
  /** Every stored event, in arrival order. */
  events(): rfid.RfidEvent[];
  /** Counters: stored events and duplicates seen. */
  counts(): { stored: number; duplicates: number };
  /** Adds a claim code. */
  addClaimCode(code: string): void;
  /** Back to the state right after creation. */
  reset(): void;
}

/** Creates an in-memory RfidBackend. */
export function createMemoryRfidBackend(options: MemoryRfidBackendOptions = {}): MemoryRfidBackend {
  const clock = clockOf(options);
  const now = () => clock.now();
  let codes = new Set(options.claimCodes ?? []);
  let stations = new Map<string, Station>();
  let byCode = new Map<string, string>();
  let tokens = new Map<string, string>();
  let seen = new Set<string>();
  let stored: rfid.RfidEvent[] = [];
  let duplicates = 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  const apiTokens = new Set(options.apiTokens ?? []);

  function station(id: string): Station {
    const s = stations.get(id);
    if (!s) throw new ProviderError(404, 'not_found', `rfid: no station ${id}`);
    return s;
  }
  function seed() {
    for (const id of options.stations ?? [])
      stations.set(id, { station_id: id, mac: '', claim_code: '', last_seen_at: undefined });
  }
  seed();
  function issue(s: Station): rfid.ClaimResponse {
    for (const [t, id] of tokens) if (id === s.station_id) tokens.delete(t);
    const token = `st_${randomBytes(24).toString('base64url')}`;
    tokens.set(token, s.station_id);
    return {
      station_id: s.station_id as rfid.ClaimResponse['station_id'],
      station_token: token,
      config: {
        ingest_url: 'http://127.0.0.1/api/v1/events',
        heartbeat_interval_s: 60,
        batch_max_events: 500,
        batch_max_wait_ms: 1000,
        ...options.stationConfig,
        ...(s.site_id ? { site_id: s.site_id as never } : {}),
        ...(s.line_id ? { line_id: s.line_id } : {}),
      },
    };
  }

  return {
    async claim(req) {
      if (!codes.has(req.claim_code)) throw new ProviderError(404, 'not_found', 'rfid: unknown claim code');
      // One use: a second claim (even with the same MAC, which anyone on the LAN can see) would
      // hand out a new token and revoke the real station's. Re-issuing is reissueToken's job.
      if (byCode.has(req.claim_code))
        throw new ProviderError(409, 'claim_code_used', 'rfid: the claim code was already used');
      const s: Station = {
        station_id: newId('stn'),
        mac: req.mac,
        claim_code: req.claim_code,
        last_seen_at: undefined,
        firmware_version: req.firmware_version,
      };
      stations.set(s.station_id, s);
      byCode.set(req.claim_code, s.station_id);
      return issue(s);
    },
    async reissueToken(id) {
      const s = station(id);
      if (!s.mac) throw new ProviderError(404, 'not_found', `rfid: station ${id} was never claimed`);
      return issue(s);
    },
    async ingest(events, context = {}) {
      let accepted = 0;
      let dups = 0;
      const t = now();
      const { health } = context;
      if (health && !stations.has(health.station_id))
        throw new ProviderError(
          404,
          'unknown_station',
          `rfid: station ${health.station_id} was never claimed`,
          {
            details: [{ path: 'health.station_id', message: 'unknown station' }],
          },
        );
      const unknown = events.find((e) => !stations.has(e.station_id));
      if (unknown)
        throw new ProviderError(
          404,
          'unknown_station',
          `rfid: station ${unknown.station_id} was never claimed`,
          {
            details: [{ path: `events[${events.indexOf(unknown)}].station_id`, message: 'unknown station' }],
          },
        );
      for (const e of events) {
        const k = `${e.station_id}\u0000${e.event_id}`;
        if (seen.has(k)) {
          dups += 1;
          continue;
        }
        seen.add(k);
        stored.push(e);
        accepted += 1;
        const s = stations.get(e.station_id)!;
        s.last_seen_at = t;
        if (e.type === 'heartbeat') {
          s.queue_depth = e.queue_depth;
          if (e.firmware_version) s.firmware_version = e.firmware_version;
        }
      }
      duplicates += dups;
      if (health) {
        const { station_id, ...readings } = health;
        const s = stations.get(station_id)!;
        s.health = { ...readings, received_at: iso(t) };
        s.last_seen_at = t;
      }
      return { accepted, duplicates: dups };
    },
    async status(id) {
      const s = station(id);
      const fresh = s.last_seen_at !== undefined && now() - s.last_seen_at < 10 * 60_000;
      const out: rfidV2.StationStatus = {
        station_id: s.station_id as rfid.StationStatus['station_id'],
        state:
          s.last_seen_at === undefined ? (s.mac ? 'offline' : 'unclaimed') : fresh ? 'online' : 'offline',
        last_seen_at: s.last_seen_at === undefined ? null : iso(s.last_seen_at),
        health: s.health ?? null,
      };
      if (s.mac) out.mac = s.mac;
      if (s.site_id) out.site_id = s.site_id as never;
      if (s.line_id) out.line_id = s.line_id;
      if (s.deployment_id) out.deployment_id = s.deployment_id as never;
      if (s.firmware_version) out.firmware_version = s.firmware_version;
      if (s.queue_depth !== undefined) out.queue_depth = s.queue_depth;
      return out;
    },
    async map(id, req) {
      const s = station(id);
      const same =
        s.site_id === req.site_id && s.line_id === req.line_id && s.deployment_id === req.deployment_id;
      if (!same || !s.mapped_at) {
        s.site_id = req.site_id;
        s.line_id = req.line_id;
        if (req.deployment_id) s.deployment_id = req.deployment_id;
        else delete s.deployment_id;
        s.mapped_at = iso(now());
      }
      return {
        station_id: s.station_id as never,
        site_id: req.site_id,
        line_id: req.line_id,
        ...(req.deployment_id ? { deployment_id: req.deployment_id } : {}),
        mapped_at: s.mapped_at!,
      };
    },
    async health() {
      return { status: 'ok', version: '1', time: iso(now()) };
    },
    // Without apiTokens the backend is open to anonymous callers (tests, demos); a station token
    // is scoped to its station either way.
    caller(token) {
      const stationId = token === undefined ? undefined : tokens.get(token);
      if (stationId) return { kind: 'station', stationId };
      if (token !== undefined && apiTokens.has(token)) return { kind: 'operator' };
      return apiTokens.size ? undefined : { kind: 'anonymous' };
    },
    events: () => [...stored],
    counts: () => ({ stored: stored.length, duplicates }),
    addClaimCode: (code) => codes.add(code),
    reset() {
      codes = new Set(options.claimCodes ?? []);
      stations = new Map();
      seed();
      byCode = new Map();
      tokens = new Map();
      seen = new Set();
      stored = [];
      duplicates = 0;
    },
  };
}
