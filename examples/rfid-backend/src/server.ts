// The service: the SDK's RFID provider handler (routing, auth, validation, Idempotency-Key, ErrorBody
// answers) over the durable backend, served by node:http. This file is all the wiring there is.
import { createRfidHandler, serveFetchHandler } from '@fieldops/sdk/rfid';
import { type FileRfidBackend, openFileRfidBackend } from './backend.js';
import { openFileIdempotencyStore } from './idempotency.js';

/** Options of {@link startRfidBackend}. */
export interface RfidBackendServiceOptions {
  /** Where the journals live. */
  dataDir: string;
  /** Default 127.0.0.1: the station API is LAN-only; bind a LAN address, never a public one. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  claimCodes?: readonly string[];
  apiTokens?: readonly string[];
  now?: () => number;
}

/** A running service. */
export interface RfidBackendService {
  url: string;
  backend: FileRfidBackend;
  close(): Promise<void>;
}

/** Starts the service and returns its URL. */
export async function startRfidBackend(options: RfidBackendServiceOptions): Promise<RfidBackendService> {
  const now = options.now ?? Date.now;
  const idempotency = await openFileIdempotencyStore({ dataDir: options.dataDir, now });
  const backend = await openFileRfidBackend({
    dataDir: options.dataDir,
    claimCodes: options.claimCodes ?? [],
    apiTokens: options.apiTokens ?? [],
    now,
  });
  const s = await serveFetchHandler(createRfidHandler({ backend, idempotency }), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });
  return {
    url: s.url,
    backend,
    async close() {
      await s.close();
      await backend.close();
      await idempotency.close();
    },
  };
}
