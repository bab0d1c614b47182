// The RfidBackend the SDK's handler calls: stations, claim codes, station tokens and events kept in
// memory and made durable by a journal. Every change is written (and fsynced) before it is applied
// and answered, so a restart replays exactly what clients were told.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { newId, type rfid } from '@fieldops/contracts';
import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import { ProviderError, type RfidBackend } from '@fieldops/sdk/rfid';
import { type Journal, openJournal } from './journal.js';

/** One journal record. Tokens are kept as SHA-256 hashes, never in clear. */
export type BackendRecord =
  | {
      op: 'claim';
      station_id: string;
      mac: string;
      claim_code: string;
      firmware_version?: string | undefined;
      token_sha256: string;
    }
  | { op: 'token'; station_id: string; token_sha256: string }
  | { op: 'events'; at: number; events: rfid.RfidEvent[]; health?: rfidV2.StationHealth | undefined }
  | {
      op: 'map';
      station_id: string;
      site_id: string;
      line_id: string;
      deployment_id?: string | undefined;
      mapped_at: string;
    };

/** Options of {@link openFileRfidBackend}. */
export interface FileRfidBackendOptions {
  /** Directory of the journal (`rfid-backend.jsonl`). */
  dataDir: string;
  /** Claim codes stations may use. */
  claimCodes?: readonly string[];
  /**
   * Operator tokens; when given, every operation but claim needs one or a station token (a station
   * token only acts on its own station). Without any, anonymous callers may do what operators do,
   * except re-issue tokens: for a LAN you trust, tests and demos only.
   */
  apiTokens?: readonly string[];
  /** Where claimed stations send events (told in the claim answer). */
  ingestUrl?: string;
  /** A station seen within this window is `online`; default 10 minutes. */
  onlineWindowMs?: number;
  now?: () => number;
}

interface Station {
  station_id: string;
  mac: string;
  claim_code: string;
  firmware_version?: string | undefined;
  site_id?: string;
  line_id?: string;
  deployment_id?: string | undefined;
  mapped_at?: string;
  last_seen_at?: number;
  queue_depth?: number;
  /** The last health reported with an rfid.v2 batch. */
  health?: rfidV2.HealthReport;
  events: number;
}

/** The durable backend, with a few read-outs for tests and the demo. */
export interface FileRfidBackend extends RfidBackend {
  /** Stored events and the stations they came from. */
  counts(): { stations: number; events: number };
  /** Journal size in bytes. */
  journalBytes(): number;
  close(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Opens the backend in `dataDir`, replaying its journal. */
export async function openFileRfidBackend(options: FileRfidBackendOptions): Promise<FileRfidBackend> {
  const now = options.now ?? Date.now;
  const onlineWindow = options.onlineWindowMs ?? 10 * 60_000;
  const codes = new Set(options.claimCodes ?? []);
  const apiTokens = new Set((options.apiTokens ?? []).map(sha256));
  const stations = new Map<string, Station>();
  const byCode = new Map<string, string>();
  const tokens = new Map<string, string>(); // token hash -> station id
  const seen = new Set<string>();
  let stored = 0;
  const journal: Journal<BackendRecord> = await openJournal(join(options.dataDir, 'rfid-backend.jsonl'));

  function apply(r: BackendRecord): void {
    if (r.op === 'claim') {
      let s = stations.get(r.station_id);
      if (!s) {
        s = { station_id: r.station_id, mac: r.mac, claim_code: r.claim_code, events: 0 };
        stations.set(s.station_id, s);
      }
      s.mac = r.mac;
      s.claim_code = r.claim_code;
      s.firmware_version = r.firmware_version ?? s.firmware_version;
      byCode.set(r.claim_code, r.station_id);
      for (const [t, id] of tokens) if (id === r.station_id) tokens.delete(t);
      tokens.set(r.token_sha256, r.station_id);
    } else if (r.op === 'token') {
      for (const [t, id] of tokens) if (id === r.station_id) tokens.delete(t);
      tokens.set(r.token_sha256, r.station_id);
    } else if (r.op === 'events') {
      if (r.health) {
        const { station_id, ...readings } = r.health;
        const s = stations.get(station_id);
        if (s) {
          s.health = { ...readings, received_at: new Date(r.at).toISOString() };
          s.last_seen_at = r.at;
        }
      }
      for (const e of r.events) {
        seen.add(`${e.station_id}\u0000${e.event_id}`);
        stored += 1;
        // Journals written before unknown stations were refused may hold such events: keep them.
        let s = stations.get(e.station_id);
        if (!s) {
          s = { station_id: e.station_id, mac: '', claim_code: '', events: 0 };
          stations.set(e.station_id, s);
        }
        s.events += 1;
        s.last_seen_at = r.at;
        if (e.type === 'heartbeat') {
          s.queue_depth = e.queue_depth;
          if (e.firmware_version) s.firmware_version = e.firmware_version;
        }
      }
    } else {
      const s = stations.get(r.station_id);
      if (!s) return;
      s.site_id = r.site_id;
      s.line_id = r.line_id;
      s.deployment_id = r.deployment_id;
      s.mapped_at = r.mapped_at;
    }
  }
  for (const r of journal.replayed) apply(r);

  // One change at a time, so "is this event new?" and the write that stores it cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work);
    queue = next.catch(() => {});
    return next;
  }
  async function commit(record: BackendRecord): Promise<void> {
    await journal.append(record);
    apply(record);
  }
  function answer(s: Station, token: string): rfid.ClaimResponse {
    return {
      station_id: s.station_id as rfid.ClaimResponse['station_id'],
      station_token: token,
      config: {
        ingest_url: options.ingestUrl ?? 'http://127.0.0.1/api/v1/events',
        heartbeat_interval_s: 60,
        batch_max_events: 500,
        batch_max_wait_ms: 1000,
        ...(s.site_id ? { site_id: s.site_id as never } : {}),
        ...(s.line_id ? { line_id: s.line_id } : {}),
      },
    };
  }
  function station(id: string): Station {
    const s = stations.get(id);
    if (!s) throw new ProviderError(404, 'not_found', `example-rfid-backend: no station ${id}`);
    return s;
  }

  return {
    claim: (req) =>
      serial(async () => {
        if (!codes.has(req.claim_code))
          throw new ProviderError(404, 'not_found', 'example-rfid-backend: unknown claim code');
        // One use: the MAC is visible on the LAN, so a second claim with it proves nothing.
        if (byCode.has(req.claim_code))
          throw new ProviderError(409, 'claim_code_used', 'example-rfid-backend: claim code already used');
        const token = `st_${randomBytes(24).toString('base64url')}`;
        const stationId = newId('stn');
        await commit({
          op: 'claim',
          station_id: stationId,
          mac: req.mac,
          claim_code: req.claim_code,
          firmware_version: req.firmware_version,
          token_sha256: sha256(token),
        });
        return answer(station(stationId), token);
      }),
    reissueToken: (id) =>
      serial(async () => {
        const s = station(id);
        if (!s.claim_code)
          throw new ProviderError(404, 'not_found', `example-rfid-backend: ${id} was never claimed`);
        const token = `st_${randomBytes(24).toString('base64url')}`;
        await commit({ op: 'token', station_id: id, token_sha256: sha256(token) });
        return answer(s, token);
      }),
    ingest: (events, { health } = {}) =>
      serial(async () => {
        if (health && !stations.has(health.station_id))
          throw new ProviderError(
            404,
            'unknown_station',
            `example-rfid-backend: station ${health.station_id} was never claimed`,
            { details: [{ path: 'health.station_id', message: 'unknown station' }] },
          );
        const unknown = events.findIndex((e) => !stations.has(e.station_id));
        if (unknown >= 0)
          throw new ProviderError(
            404,
            'unknown_station',
            `example-rfid-backend: station ${events[unknown]!.station_id} was never claimed`,
            { details: [{ path: `events[${unknown}].station_id`, message: 'unknown station' }] },
          );
        const fresh: rfid.RfidEvent[] = [];
        const inBatch = new Set<string>();
        for (const e of events) {
          const k = `${e.station_id}\u0000${e.event_id}`;
          if (seen.has(k) || inBatch.has(k)) continue;
          inBatch.add(k);
          fresh.push(e);
        }
        // A v2 batch of only duplicates still reports fresh health: journal it with no events.
        if (fresh.length || health)
          await commit({ op: 'events', at: now(), events: fresh, ...(health ? { health } : {}) });
        return { accepted: fresh.length, duplicates: events.length - fresh.length };
      }),
    async status(id) {
      const s = station(id);
      const t = s.last_seen_at;
      // v2 terms (with health); the SDK's handler converts it down for v1 callers.
      const out: rfidV2.StationStatus = {
        station_id: s.station_id as rfid.StationStatus['station_id'],
        state:
          t === undefined
            ? s.mac
              ? 'offline'
              : 'unclaimed'
            : now() - t < onlineWindow
              ? 'online'
              : 'offline',
        last_seen_at: t === undefined ? null : new Date(t).toISOString(),
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
    map: (id, req) =>
      serial(async () => {
        const s = station(id);
        const same =
          s.site_id === req.site_id && s.line_id === req.line_id && s.deployment_id === req.deployment_id;
        if (!same || !s.mapped_at) {
          await commit({
            op: 'map',
            station_id: id,
            site_id: req.site_id,
            line_id: req.line_id,
            deployment_id: req.deployment_id,
            mapped_at: new Date(now()).toISOString(),
          });
        }
        return {
          station_id: s.station_id as never,
          site_id: req.site_id,
          line_id: req.line_id,
          ...(req.deployment_id ? { deployment_id: req.deployment_id } : {}),
          mapped_at: s.mapped_at!,
        };
      }),
    async health() {
      return { status: 'ok', version: '1', time: new Date(now()).toISOString() };
    },
    caller(token) {
      const h = token === undefined ? undefined : sha256(token);
      const stationId = h === undefined ? undefined : tokens.get(h);
      if (stationId) return { kind: 'station', stationId };
      if (h !== undefined && apiTokens.has(h)) return { kind: 'operator' };
      return apiTokens.size ? undefined : { kind: 'anonymous' };
    },
    counts: () => ({ stations: stations.size, events: stored }),
    journalBytes: () => journal.size(),
    close: () => queue.then(() => journal.close()),
  };
}
