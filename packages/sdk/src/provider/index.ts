// Provider plumbing shared by the registry and RFID entries (one list, re-exported by both): the
// Fetch-handler types, the idempotency store and the node:http adapter.

export { ProviderError } from './errors.js';
export {
  type AuthenticateResult,
  type FetchHandler,
  matchOperation,
  type ProviderCaller,
  type ProviderHandlerOptions,
} from './http.js';
export {
  createMemoryIdempotencyStore,
  type IdempotencyBegin,
  type IdempotencyStore,
  type MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredResponse,
} from './idempotency-store.js';
export { type ServedHandler, serveFetchHandler } from './node-server.js';
