import { createHash } from 'node:crypto';
import { downStationStatus, httpApi, type rfid, upStationStatus } from '@fieldops/contracts';
import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import { ProviderError } from './errors.js';
import {
  type AuthenticateResult,
  createContractHandler,
  errorResponse,
  type FetchHandler,
  type ProviderCaller,
  type ProviderHandlerOptions,
  type RouteImpl,
  type RouteInput,
} from './http.js';
import { createMemoryIdempotencyStore } from './idempotency-store.js';
import type { AnyStationStatus, RfidBackend, RfidCaller } from './rfid-backend.js';

/** A version of the RFID API this SDK can serve. */
export type RfidApiVersion = 1 | 2;

/** Every version of the RFID API, oldest first: what a handler serves unless told otherwise. */
export const RFID_API_VERSIONS: readonly RfidApiVersion[] = [1, 2];

/** Options of {@link createRfidHandler}. */
export interface RfidHandlerOptions extends ProviderHandlerOptions {
  backend: RfidBackend;
  /** The API versions served side by side (`/api/v1/…`, `/api/v2/…`); default every version. */
  versions?: readonly RfidApiVersion[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function toProviderCaller(c: RfidCaller, token: string | undefined): ProviderCaller {
  if (c.kind === 'station')
    return { kind: 'station', scope: `station:${c.stationId}`, stationId: c.stationId };
  if (c.kind === 'operator') return { kind: 'operator', scope: `token:${sha256(token ?? '')}` };
  return { kind: 'anonymous', scope: 'anonymous' };
}

const forbidden = (message: string) => new ProviderError(403, 'forbidden', `rfid: ${message}`);

/**
 * What a station token may do: write events of its own station_id, read its own status. Mapping and
 * re-issuing tokens are operator actions (anonymous callers of an open backend may map, not re-issue).
 */
function authorize(operationId: string, { caller, params, body }: RouteInput): void {
  if (operationId === 'reissueStationToken' && caller.kind !== 'operator')
    throw forbidden('re-issuing a station token is an operator action');
  if (caller.kind !== 'station') return;
  const own = caller.stationId;
  if (operationId === 'ingestEvents') {
    const batch = body as rfid.EventBatch & { health?: rfidV2.StationHealth };
    const i = batch.events.findIndex((e) => e.station_id !== own);
    if (i >= 0)
      throw new ProviderError(
        403,
        'forbidden',
        'rfid: a station token writes only events of its own station_id',
        { details: [{ path: `events[${i}].station_id`, message: 'not the station of this token' }] },
      );
    if (batch.health && batch.health.station_id !== own)
      throw new ProviderError(403, 'forbidden', 'rfid: a station token reports only its own health', {
        details: [{ path: 'health.station_id', message: 'not the station of this token' }],
      });
  } else if (operationId === 'getStationStatus' && params.id !== own) {
    throw forbidden('a station token reads only its own status');
  } else if (operationId === 'mapStation') {
    throw forbidden('mapping a station is an operator action');
  }
}

/** A status in v1 terms: a v2-shaped answer is converted down (the health is dropped). */
function asV1(status: AnyStationStatus): rfid.StationStatus {
  return 'health' in status ? downStationStatus.convert(status) : status;
}

/** A status in v2 terms: a v1-shaped answer is converted up (`health: null`). */
function asV2(status: AnyStationStatus): rfidV2.StationStatus {
  return 'health' in status ? (status as rfidV2.StationStatus) : upStationStatus.convert(status);
}

/** A claim answer for a v2 station: an ingest URL ending in /api/v1/events points at /api/v2/events. */
function claimFor(version: RfidApiVersion, answer: rfid.ClaimResponse): rfid.ClaimResponse {
  if (version === 1) return answer;
  const url = answer.config.ingest_url.replace(/\/api\/v1\/events$/, '/api/v2/events');
  return { ...answer, config: { ...answer.config, ingest_url: url } };
}

function routesFor(backend: RfidBackend, version: RfidApiVersion): Record<string, RouteImpl> {
  return {
    claimStation: async ({ body }) => ({
      status: 200,
      body: claimFor(version, await backend.claim(body as rfid.ClaimRequest)),
    }),
    ingestEvents: async ({ body }) => {
      const batch = body as rfid.EventBatch & { health?: rfidV2.StationHealth };
      return {
        status: 200,
        body: await backend.ingest(batch.events, version === 2 ? { health: batch.health } : {}),
      };
    },
    getStationStatus: async ({ params }) => {
      const status = await backend.status(params.id!);
      return { status: 200, body: version === 1 ? asV1(status) : asV2(status) };
    },
    mapStation: async ({ params, body }) => ({
      status: 200,
      body: await backend.map(params.id!, body as rfid.MapRequest),
    }),
    reissueStationToken: async ({ params }) => {
      if (!backend.reissueToken)
        throw new ProviderError(501, 'not_implemented', 'rfid: this backend cannot re-issue tokens');
      return { status: 200, body: claimFor(version, await backend.reissueToken(params.id!)) };
    },
    getHealth: async () => {
      const h = await backend.health();
      return { status: h.status === 'down' ? 503 : 200, body: h };
    },
  };
}

/**
 * A Fetch API handler implementing the RFID API over `backend`, every version side by side
 * (`/api/v1/…` and `/api/v2/…`, or the `versions` given), each validated against its own schemas:
 * ErrorBody answers (400/401/403/404/409/413/415/422), Idempotency-Key replay scoped to the caller,
 * and events deduplicated by id (the backend's job). A deprecated version answers with `Deprecation`,
 * `Sunset` and `Link` headers. Authentication defaults to `backend.caller` (or the older
 * `backend.isValidToken`, whose tokens all act as operators).
 */
export function createRfidHandler(options: RfidHandlerOptions): FetchHandler {
  const { backend } = options;
  const authenticate =
    options.authenticate ??
    (backend.caller
      ? async (token: string | undefined): Promise<AuthenticateResult> => {
          const c = await backend.caller!(token);
          return c ? toProviderCaller(c, token) : false;
        }
      : backend.isValidToken
        ? async (token: string | undefined) => !!token && (await backend.isValidToken!(token))
        : undefined);
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore();
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const versions = [...new Set(options.versions ?? RFID_API_VERSIONS)].sort();
  if (versions.length === 0)
    throw new TypeError('@fieldops/sdk: createRfidHandler needs at least one version');
  const served = versions.map((version) => ({
    prefix: `${basePath}/api/v${version}/`,
    handle: createContractHandler(httpApi('rfid', version), routesFor(backend, version), {
      ...options,
      ...(authenticate
        ? {
            authenticate: (token: string | undefined, op: string) =>
              op === 'claimStation' || authenticate(token, op),
          }
        : {}),
      authorize,
      idempotency,
    }),
  }));
  const list = versions.map((v) => `v${v}`).join(', ');
  return async (request) => {
    const { pathname } = new URL(request.url);
    const hit = served.find((s) => pathname.startsWith(s.prefix));
    if (hit) return hit.handle(request);
    const asked = /\/api\/(v[^/]+)\//.exec(pathname)?.[1];
    const requestId = options.newRequestId?.() ?? `req_${Date.now().toString(36)}`;
    return errorResponse(
      404,
      'not_found',
      asked
        ? `rfid: API version ${asked} is not served here (served: ${list})`
        : `rfid: no operation at ${pathname} (served: ${list})`,
      requestId,
      { headers: { 'x-request-id': requestId } },
    );
  };
}
