import { randomBytes } from 'node:crypto';
import { newId, type rfid } from '@fieldops/contracts';
import { ProviderError } from './errors.js';

/**
 * What a service implementing the RFID API provides; the handler does HTTP, validation and
 * idempotency. Methods throw ProviderError for contract errors (404, 409).
 */
export interface RfidBackend {
  /** Claims a station (404 unknown code, 409 code used by another MAC). */
  claim(request: rfid.ClaimRequest): Promise<rfid.ClaimResponse>;
  /** Stores events, deduplicated by (station_id, event_id); returns how many were new. */
  ingest(events: readonly rfid.RfidEvent[]): Promise<rfid.IngestResult>;
  /** Status of a station (404 when unknown). */
  status(stationId: string): Promise<rfid.StationStatus>;
  /** Maps a station to a site and line (404 when unknown). */
  map(stationId: string, request: rfid.MapRequest): Promise<rfid.MapResponse>;
  /** Health report. */
  health(): Promise<rfid.Health>;
  /** True for a valid station (or operator) token; used as the handler's default authenticate. */
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
  /** Config handed to claimed stations; `ingest_url` defaults to `http://127.0.0.1/api/v1/events`. */
  stationConfig?: Partial<rfid.StationConfig>;
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
  const now = options.now ?? Date.now;
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

  return {
    async claim(req) {
      if (!codes.has(req.claim_code)) throw new ProviderError(404, 'not_found', 'rfid: unknown claim code');
      const existing = byCode.get(req.claim_code);
      let s = existing ? stations.get(existing) : undefined;
      if (s && s.mac !== req.mac)
        throw new ProviderError(409, 'claim_code_used', 'rfid: the claim code was used by another station');
      if (!s) {
        s = { station_id: newId('stn'), mac: req.mac, claim_code: req.claim_code, last_seen_at: undefined };
        stations.set(s.station_id, s);
        byCode.set(req.claim_code, s.station_id);
      }
      s.firmware_version = req.firmware_version;
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
    },
    async ingest(events) {
      let accepted = 0;
      let dups = 0;
      const t = now();
      for (const e of events) {
        const k = `${e.station_id}\u0000${e.event_id}`;
        if (seen.has(k)) {
          dups += 1;
          continue;
        }
        seen.add(k);
        stored.push(e);
        accepted += 1;
        let s = stations.get(e.station_id);
        if (!s) {
          s = { station_id: e.station_id, mac: '', claim_code: '', last_seen_at: undefined };
          stations.set(e.station_id, s);
        }
        s.last_seen_at = t;
        if (e.type === 'heartbeat') {
          s.queue_depth = e.queue_depth;
          if (e.firmware_version) s.firmware_version = e.firmware_version;
        }
      }
      duplicates += dups;
      return { accepted, duplicates: dups };
    },
    async status(id) {
      const s = station(id);
      const fresh = s.last_seen_at !== undefined && now() - s.last_seen_at < 10 * 60_000;
      const out: rfid.StationStatus = {
        station_id: s.station_id as rfid.StationStatus['station_id'],
        state:
          s.last_seen_at === undefined ? (s.mac ? 'offline' : 'unclaimed') : fresh ? 'online' : 'offline',
        last_seen_at: s.last_seen_at === undefined ? null : iso(s.last_seen_at),
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
    // Without apiTokens the backend is open (tests, demos); with them, station tokens work too.
    ...(apiTokens.size ? { isValidToken: (token: string) => apiTokens.has(token) || tokens.has(token) } : {}),
    events: () => [...stored],
    counts: () => ({ stored: stored.length, duplicates }),
    addClaimCode: (code) => codes.add(code),
    reset() {
      codes = new Set(options.claimCodes ?? []);
      stations = new Map();
      byCode = new Map();
      tokens = new Map();
      seen = new Set();
      stored = [];
      duplicates = 0;
    },
  };
}
