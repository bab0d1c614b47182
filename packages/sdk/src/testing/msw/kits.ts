import { REGISTRY_API } from '@fieldops/contracts/registry/v1';
import { RFID_API } from '@fieldops/contracts/rfid/v1';
import { type HttpHandler, http } from 'msw';
import type { FetchHandler, ProviderHandlerOptions } from '../../provider/http.js';
import {
  createMemoryIdempotencyStore,
  type MemoryIdempotencyStore,
} from '../../provider/idempotency-store.js';
import {
  createMemoryRegistryBackend,
  type MemoryRegistryBackend,
  type MemoryRegistryBackendOptions,
} from '../../provider/registry-backend.js';
import { createRegistryHandler } from '../../provider/registry-handler.js';
import {
  createMemoryRfidBackend,
  type MemoryRfidBackend,
  type MemoryRfidBackendOptions,
} from '../../provider/rfid-backend.js';
import { createRfidHandler } from '../../provider/rfid-handler.js';
import { type FaultController, withFaults } from './faults.js';

/** A stateful MSW handler set over a provider handler. */
export interface MswKit<B> {
  /** Pass to `setupServer(...kit.handlers)` or `server.use(...kit.handlers)`. */
  handlers: HttpHandler[];
  /** The in-memory backend behind the handlers (inspect or seed it). */
  backend: B;
  /** Per-route fault injection. */
  faults: FaultController;
  /** The provider handler with faults, for use without MSW. */
  handler: FetchHandler;
  /** Idempotency keys seen. */
  idempotency: MemoryIdempotencyStore;
  /** Clears state, idempotency keys, faults and call counts. */
  reset(): void;
}

/** Options of the MSW kits. */
export interface MswKitOptions<O> extends Omit<ProviderHandlerOptions, 'idempotency'> {
  /** Origin the handlers answer for, e.g. `http://rfid.test`. */
  baseUrl: string;
  /** Options of the in-memory backend. */
  backend?: O;
}

function kit<B extends { reset(): void }>(
  baseUrl: string,
  basePath: string | undefined,
  api: typeof RFID_API,
  backend: B,
  idempotency: MemoryIdempotencyStore,
  inner: FetchHandler,
): MswKit<B> {
  const prefix = (basePath ?? '').replace(/\/+$/, '');
  const { handler, faults } = withFaults(api, inner, { basePath: prefix });
  const base = baseUrl.replace(/\/+$/, '');
  return {
    handlers: [http.all(`${base}${prefix}/api/v1/*`, ({ request }) => handler(request))],
    backend,
    faults,
    handler,
    idempotency,
    reset() {
      backend.reset();
      idempotency.clear();
      faults.clear();
      faults.calls.clear();
    },
  };
}

/** MSW handlers for the RFID API with real provider semantics (dedup, idempotency, ErrorBody). */
export function createRfidMswKit(
  options: MswKitOptions<MemoryRfidBackendOptions>,
): MswKit<MemoryRfidBackend> {
  const backend = createMemoryRfidBackend(options.backend);
  const idempotency = createMemoryIdempotencyStore();
  const inner = createRfidHandler({ ...options, backend, idempotency });
  return kit(options.baseUrl, options.basePath, RFID_API, backend, idempotency, inner);
}

/** MSW handlers for the registry API with real provider semantics (ETag, 412, idempotency). */
export function createRegistryMswKit(
  options: MswKitOptions<MemoryRegistryBackendOptions>,
): MswKit<MemoryRegistryBackend> {
  const backend = createMemoryRegistryBackend(options.backend);
  const idempotency = createMemoryIdempotencyStore();
  const inner = createRegistryHandler({ ...options, backend, idempotency });
  return kit(options.baseUrl, options.basePath, REGISTRY_API, backend, idempotency, inner);
}
