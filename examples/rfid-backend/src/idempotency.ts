// Idempotency keys that survive a restart: completed answers go to their own journal, so a client
// retrying after the service came back gets the first answer replayed (not a second ingest). Claims
// still in flight live in memory only: a crash forgets them, and the retry runs again.
import { join } from 'node:path';
import type { IdempotencyStore, StoredResponse } from '@fieldops/sdk/rfid';
import { openJournal } from './journal.js';

interface Completed {
  key: string;
  fingerprint: string;
  response: StoredResponse;
  expires_at: number;
}

/** Options of {@link openFileIdempotencyStore}. */
export interface FileIdempotencyStoreOptions {
  dataDir: string;
  /** How long an answer is replayed; default 24 h (the IETF draft's minimum). */
  ttlMs?: number;
  /** How long an unanswered claim blocks its key with 409; default 60 s. */
  inFlightTtlMs?: number;
  now?: () => number;
}

/** A durable IdempotencyStore for `createRfidHandler({ idempotency })`. */
export async function openFileIdempotencyStore(
  options: FileIdempotencyStoreOptions,
): Promise<IdempotencyStore & { size(): number; close(): Promise<void> }> {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const inFlightTtl = options.inFlightTtlMs ?? 60_000;
  const journal = await openJournal<Completed>(join(options.dataDir, 'idempotency.jsonl'));
  const done = new Map<string, Completed>();
  for (const c of journal.replayed) if (c.expires_at > now()) done.set(c.key, c);
  const inFlight = new Map<string, { fingerprint: string; expiresAt: number }>();

  return {
    async begin(key, fingerprint) {
      const c = done.get(key);
      if (c && c.expires_at > now()) {
        return c.fingerprint === fingerprint
          ? { kind: 'replay', response: c.response }
          : { kind: 'mismatch' };
      }
      const f = inFlight.get(key);
      if (f && f.expiresAt > now())
        return f.fingerprint === fingerprint ? { kind: 'in_flight' } : { kind: 'mismatch' };
      inFlight.set(key, { fingerprint, expiresAt: now() + inFlightTtl });
      return { kind: 'started' };
    },
    async complete(key, fingerprint, response) {
      const c = { key, fingerprint, response, expires_at: now() + ttl };
      await journal.append(c);
      done.set(key, c);
      inFlight.delete(key);
    },
    async release(key) {
      inFlight.delete(key);
    },
    size: () => done.size,
    close: () => journal.close(),
  };
}
