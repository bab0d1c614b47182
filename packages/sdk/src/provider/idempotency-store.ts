// Idempotency keys as the IETF draft (draft-ietf-httpapi-idempotency-key-header) and Stripe use them:
// same key + same request replays the first answer; same key + another request is 422; a request
// arriving while the first with its key is still running is 409.

import type { Clock } from '@fieldops/core';
import { clockOf } from '../internal/clock.js';

/** A stored answer, replayed for a repeated key. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What `begin` found for a key. */
export type IdempotencyBegin =
  | { kind: 'started' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** Where a provider keeps its idempotency keys (memory, Redis, a SQL table…). */
export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`, or reports why it cannot be run. */
  begin(key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Stores the answer of the request that claimed `key`. */
  complete(key: string, fingerprint: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed with a server error, so a retry runs it again. */
  release(key: string): Promise<void>;
}

/** Options of {@link createMemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** How long an answer is kept; default 24 h (the draft's minimum). */
  ttlMs?: number;
  /**
   * How long a claim without an answer blocks its key (409) before it counts as abandoned (the
   * request crashed or hung); default 60 s.
   */
  inFlightTtlMs?: number;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
}

/** An in-memory store with its contents exposed for tests. */
export interface MemoryIdempotencyStore extends IdempotencyStore {
  /** Number of keys held. */
  size(): number;
  /** Forgets everything. */
  clear(): void;
}

interface Entry {
  fingerprint: string;
  response?: StoredResponse;
  expiresAt: number;
}

/** An IdempotencyStore in a Map (one process; lost on restart). */
export function createMemoryIdempotencyStore(
  options: MemoryIdempotencyStoreOptions = {},
): MemoryIdempotencyStore {
  const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const inFlightTtl = options.inFlightTtlMs ?? 60_000;
  const clock = clockOf(options);
  const now = () => clock.now();
  const entries = new Map<string, Entry>();
  let sweeps = 0;
  function sweep() {
    if (++sweeps % 1000 !== 0) return;
    const t = now();
    for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
  }
  return {
    async begin(key, fingerprint) {
      sweep();
      const e = entries.get(key);
      if (e && e.expiresAt > now()) {
        if (e.fingerprint !== fingerprint) return { kind: 'mismatch' };
        return e.response ? { kind: 'replay', response: e.response } : { kind: 'in_flight' };
      }
      entries.set(key, { fingerprint, expiresAt: now() + inFlightTtl });
      return { kind: 'started' };
    },
    async complete(key, fingerprint, response) {
      entries.set(key, { fingerprint, response, expiresAt: now() + ttl });
    },
    async release(key) {
      entries.delete(key);
    },
    size: () => entries.size,
    clear: () => entries.clear(),
  };
}
