import { httpApi, type rfid } from '@fieldops/contracts';
import type { paths } from '@fieldops/contracts/rfid/v1';
import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import { FieldopsError } from '../transport/errors.js';
import { assertLanUrl, noRedirectFetch } from '../transport/lan-guard.js';
import { createTransport } from '../transport/transport.js';
import { batchIdempotencyKey, DEFAULT_BATCH_LIMITS, splitIntoBatches } from './batch.js';
import type { HealthSource, IngestOutcome, RfidClient, RfidClientOptions, RfidClientV2 } from './types.js';

const asBody = <T>(value: T) => value as never;
// Both versions have the same operations under /api/v1 and /api/v2; the typed paths are v1's and the
// prefix is swapped at runtime, so one implementation serves both (the contract tables validate each).
const at = (version: 1 | 2, path: string) => path.replace('/api/v1/', `/api/v${version}/`) as never;

/** The client type for the options given: RfidClientV2 for `version: 2`, else RfidClient (v1). */
export type RfidClientFor<O extends RfidClientOptions> = O extends { version: 2 } ? RfidClientV2 : RfidClient;

/**
 * Creates a typed client of the RFID backend for one API version: v1 unless `version: 2` (then a
 * batch carries the station health given as `health`; none when the sender cannot measure it). Every call first checks (once) that the base URL is on the LAN;
 * a public address rejects with LanGuardError unless `allowPublicNetwork` is set.
 */
export function createRfidClient<O extends RfidClientOptions>(options: O): RfidClientFor<O> {
  const version = options.version ?? 1;
  if (version !== 1 && version !== 2) {
    throw new TypeError(`@fieldops/sdk: the RFID client speaks API versions 1 and 2, not ${String(version)}`);
  }
  // On the LAN no redirect is followed (a 3xx could send a batch and its token elsewhere).
  const fetchImpl = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const t = createTransport<paths>(httpApi('rfid', version), {
    ...options,
    fetch: options.allowPublicNetwork ? fetchImpl : noRedirectFetch(fetchImpl),
  });
  const c = t.client;
  const batchLimits = {
    maxEvents: Math.min(
      options.batch?.maxEvents ?? DEFAULT_BATCH_LIMITS.maxEvents,
      DEFAULT_BATCH_LIMITS.maxEvents,
    ),
    maxBytes: Math.min(
      options.batch?.maxBytes ?? DEFAULT_BATCH_LIMITS.maxBytes,
      DEFAULT_BATCH_LIMITS.maxBytes,
    ),
  };
  // Checked once per client. A refusal is final (every call rejects with it); a failed DNS lookup
  // is retried by the next call.
  let guard: Promise<void> | undefined;
  const checked = () => {
    guard ??= assertLanUrl(options.baseUrl, options).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'lan_guard_unresolved') guard = undefined;
      throw error;
    });
    return guard;
  };

  // v2: a station's own batches carry the health it measured; a batch sent for it by a tool that
  // cannot measure it (commissioning) passes none and the backend keeps the last one (decision 0051).
  async function readHealth(source: HealthSource | undefined): Promise<rfidV2.StationHealth | undefined> {
    if (version === 1 || source === undefined) return undefined;
    return typeof source === 'function' ? await source() : source;
  }

  async function ingestBatch(
    events: readonly rfid.RfidEvent[],
    opts: { idempotencyKey?: string; health?: HealthSource } = {},
  ): Promise<IngestOutcome> {
    if (events.length === 0 || events.length > batchLimits.maxEvents) {
      throw new FieldopsError(
        'invalid_batch',
        `rfid: a batch holds 1 to ${batchLimits.maxEvents} events, not ${events.length} (ingestEvents splits for you)`,
      );
    }
    const health = await readHealth(opts.health);
    await checked();
    const key = opts.idempotencyKey ?? batchIdempotencyKey(events, health);
    const r = await t.call<rfid.IngestResult>(
      'ingestEvents',
      (init) =>
        c.POST(at(version, '/api/v1/events'), {
          params: { header: { 'Idempotency-Key': key } },
          body: asBody(health ? { events, health } : { events }),
          ...init,
        } as never),
      { idempotencyKey: key, target: events[0]?.station_id },
    );
    return { ...r.data, idempotencyKeys: [key] };
  }

  // The health travels in every batch: keep room for it in the byte limit.
  const HEALTH_ROOM = 512;
  const client = {
    version,
    batchLimits,
    ingestBatch,
    async claimStation(request: rfid.ClaimRequest) {
      await checked();
      const r = await t.call<rfid.ClaimResponse>('claimStation', (init) =>
        c.POST(at(version, '/api/v1/stations/claim'), { body: asBody(request), ...init } as never),
      );
      return r.data;
    },
    async ingestEvents(events: readonly rfid.RfidEvent[], opts: { health?: HealthSource } = {}) {
      const total: IngestOutcome = { accepted: 0, duplicates: 0, idempotencyKeys: [] };
      const limits =
        version === 1 ? batchLimits : { ...batchLimits, maxBytes: batchLimits.maxBytes - HEALTH_ROOM };
      for (const batch of splitIntoBatches(events, limits)) {
        const r = await ingestBatch(batch, opts.health !== undefined ? { health: opts.health } : {});
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.idempotencyKeys.push(...r.idempotencyKeys);
      }
      return total;
    },
    async stationStatus(stationId: string) {
      await checked();
      const r = await t.call<rfid.StationStatus>(
        'getStationStatus',
        (init) =>
          c.GET(at(version, '/api/v1/stations/{id}/status'), {
            params: { path: { id: stationId } },
            ...init,
          } as never),
        { target: stationId },
      );
      return r.data;
    },
    async reissueStationToken(stationId: string) {
      await checked();
      const r = await t.call<rfid.ClaimResponse>(
        'reissueStationToken',
        (init) =>
          c.POST(at(version, '/api/v1/stations/{id}/token'), {
            params: { path: { id: stationId } },
            ...init,
          } as never),
        { target: stationId },
      );
      return r.data;
    },
    async mapStation(stationId: string, request: rfid.MapRequest) {
      await checked();
      const r = await t.call<rfid.MapResponse>(
        'mapStation',
        (init) =>
          c.POST(at(version, '/api/v1/stations/{id}/map'), {
            params: { path: { id: stationId } },
            body: asBody(request),
            ...init,
          } as never),
        { target: stationId },
      );
      return r.data;
    },
    async health() {
      await checked();
      const r = await t.call<rfid.Health>('getHealth', (init) =>
        c.GET(at(version, '/api/v1/health'), { ...init } as never),
      );
      return r.data;
    },
  };
  return client as unknown as RfidClientFor<O>;
}
