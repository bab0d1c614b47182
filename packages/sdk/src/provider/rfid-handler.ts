import type { rfid } from '@fieldops/contracts';
import { RFID_API } from '@fieldops/contracts/rfid/v1';
import { createContractHandler, type FetchHandler, type ProviderHandlerOptions } from './http.js';
import { createMemoryIdempotencyStore } from './idempotency-store.js';
import type { RfidBackend } from './rfid-backend.js';

/** Options of {@link createRfidHandler}. */
export interface RfidHandlerOptions extends ProviderHandlerOptions {
  backend: RfidBackend;
}

/**
 * A Fetch API handler implementing the RFID API over `backend`: validated input, ErrorBody answers
 * (400/401/404/409/413/422), Idempotency-Key replay, and events deduplicated by id (the backend's job).
 * Authentication defaults to `backend.isValidToken` when the backend has one.
 */
export function createRfidHandler(options: RfidHandlerOptions): FetchHandler {
  const { backend } = options;
  const authenticate =
    options.authenticate ??
    (backend.isValidToken
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
      idempotency: options.idempotency ?? createMemoryIdempotencyStore(),
    },
  );
}
