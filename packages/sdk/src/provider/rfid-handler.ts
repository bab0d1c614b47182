import { createHash } from 'node:crypto';
import type { rfid } from '@fieldops/contracts';
import { RFID_API } from '@fieldops/contracts/rfid/v1';
import { ProviderError } from './errors.js';
import {
  type AuthenticateResult,
  createContractHandler,
  type FetchHandler,
  type ProviderCaller,
  type ProviderHandlerOptions,
  type RouteInput,
} from './http.js';
import { createMemoryIdempotencyStore } from './idempotency-store.js';
import type { RfidBackend, RfidCaller } from './rfid-backend.js';

/** Options of {@link createRfidHandler}. */
export interface RfidHandlerOptions extends ProviderHandlerOptions {
  backend: RfidBackend;
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
    const events = (body as rfid.EventBatch).events;
    const i = events.findIndex((e) => e.station_id !== own);
    if (i >= 0)
      throw new ProviderError(
        403,
        'forbidden',
        'rfid: a station token writes only events of its own station_id',
        { details: [{ path: `events[${i}].station_id`, message: 'not the station of this token' }] },
      );
  } else if (operationId === 'getStationStatus' && params.id !== own) {
    throw forbidden('a station token reads only its own status');
  } else if (operationId === 'mapStation') {
    throw forbidden('mapping a station is an operator action');
  }
}

/**
 * A Fetch API handler implementing the RFID API over `backend`: validated input, ErrorBody answers
 * (400/401/403/404/409/413/415/422), Idempotency-Key replay scoped to the caller, and events
 * deduplicated by id (the backend's job). Authentication defaults to `backend.caller` (or the older
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
  return createContractHandler(
    RFID_API,
    {
      claimStation: async ({ body }) => ({
        status: 200,
        body: await backend.claim(body as rfid.ClaimRequest),
      }),
      ingestEvents: async ({ body }) => ({
        status: 200,
        body: await backend.ingest((body as rfid.EventBatch).events),
      }),
      getStationStatus: async ({ params }) => ({ status: 200, body: await backend.status(params.id!) }),
      mapStation: async ({ params, body }) => ({
        status: 200,
        body: await backend.map(params.id!, body as rfid.MapRequest),
      }),
      reissueStationToken: async ({ params }) => {
        if (!backend.reissueToken)
          throw new ProviderError(501, 'not_implemented', 'rfid: this backend cannot re-issue tokens');
        return { status: 200, body: await backend.reissueToken(params.id!) };
      },
      getHealth: async () => {
        const h = await backend.health();
        return { status: h.status === 'down' ? 503 : 200, body: h };
      },
    },
    {
      ...options,
      ...(authenticate
        ? {
            authenticate: (token: string | undefined, op: string) =>
              op === 'claimStation' || authenticate(token, op),
          }
        : {}),
      authorize,
      idempotency: options.idempotency ?? createMemoryIdempotencyStore(),
    },
  );
}
