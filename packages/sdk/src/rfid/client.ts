import type { rfid } from '@fieldops/contracts';
import { type paths, RFID_API } from '@fieldops/contracts/rfid/v1';
import { FieldopsError } from '../transport/errors.js';
import { assertLanUrl, noRedirectFetch } from '../transport/lan-guard.js';
import { createTransport } from '../transport/transport.js';
import { batchIdempotencyKey, DEFAULT_BATCH_LIMITS, splitIntoBatches } from './batch.js';
import type { IngestOutcome, RfidClient, RfidClientOptions } from './types.js';

const asBody = <T>(value: T) => value as never;

/**
 * Creates a typed client of the RFID backend. Every call first checks (once) that the base URL is
 * on the LAN; a public address rejects with LanGuardError unless `allowPublicNetwork` is set.
 */
export function createRfidClient(options: RfidClientOptions): RfidClient {
  // On the LAN no redirect is followed (a 3xx could send a batch and its token elsewhere).
  const fetchImpl = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const t = createTransport<paths>(RFID_API, {
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

  async function ingestBatch(
    events: readonly rfid.RfidEvent[],
    opts: { idempotencyKey?: string } = {},
  ): Promise<IngestOutcome> {
    if (events.length === 0 || events.length > batchLimits.maxEvents) {
      throw new FieldopsError(
        'invalid_batch',
        `rfid: a batch holds 1 to ${batchLimits.maxEvents} events, not ${events.length} (ingestEvents splits for you)`,
      );
    }
    await checked();
    const key = opts.idempotencyKey ?? batchIdempotencyKey(events);
    const r = await t.call<rfid.IngestResult>(
      'ingestEvents',
      (init) =>
        c.POST('/api/v1/events', {
          params: { header: { 'Idempotency-Key': key } },
          body: asBody({ events }),
          ...init,
        }),
      { idempotencyKey: key, target: events[0]?.station_id },
    );
    return { ...r.data, idempotencyKeys: [key] };
  }

  return {
    batchLimits,
    ingestBatch,
    async claimStation(request) {
      await checked();
      const r = await t.call<rfid.ClaimResponse>('claimStation', (init) =>
        c.POST('/api/v1/stations/claim', { body: asBody(request), ...init }),
      );
      return r.data;
    },
    async ingestEvents(events) {
      const total: IngestOutcome = { accepted: 0, duplicates: 0, idempotencyKeys: [] };
      for (const batch of splitIntoBatches(events, batchLimits)) {
        const r = await ingestBatch(batch);
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.idempotencyKeys.push(...r.idempotencyKeys);
      }
      return total;
    },
    async stationStatus(stationId) {
      await checked();
      const r = await t.call<rfid.StationStatus>(
        'getStationStatus',
        (init) => c.GET('/api/v1/stations/{id}/status', { params: { path: { id: stationId } }, ...init }),
        { target: stationId },
      );
      return r.data;
    },
    async reissueStationToken(stationId) {
      await checked();
      const r = await t.call<rfid.ClaimResponse>(
        'reissueStationToken',
        (init) => c.POST('/api/v1/stations/{id}/token', { params: { path: { id: stationId } }, ...init }),
        { target: stationId },
      );
      return r.data;
    },
    async mapStation(stationId, request) {
      await checked();
      const r = await t.call<rfid.MapResponse>(
        'mapStation',
        (init) =>
          c.POST('/api/v1/stations/{id}/map', {
            params: { path: { id: stationId } },
            body: asBody(request),
            ...init,
          }),
        { target: stationId },
      );
      return r.data;
    },
    async health() {
      await checked();
      const r = await t.call<rfid.Health>('getHealth', (init) => c.GET('/api/v1/health', { ...init }));
      return r.data;
    },
  };
}
