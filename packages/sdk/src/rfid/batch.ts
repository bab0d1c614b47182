import { createHash } from 'node:crypto';
import type { rfid } from '@fieldops/contracts';
import { MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from '@fieldops/contracts/rfid/v1';
import { FieldopsError } from '../transport/errors.js';

/** Limits of one batch. */
export interface BatchLimits {
  /** Events per batch; default and maximum 1000 (the contract's MAX_EVENTS_PER_BATCH). */
  maxEvents: number;
  /** Bytes of the JSON body; default and maximum 1 MiB (MAX_BATCH_BYTES). */
  maxBytes: number;
}

/** The contract's limits. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEvents: MAX_EVENTS_PER_BATCH,
  maxBytes: MAX_BATCH_BYTES,
};

/**
 * The Idempotency-Key of a batch, derived from its events' (station_id, event_id) pairs in order:
 * the same batch re-sent after a crash carries the same key, so the backend replays its first answer.
 */
export function batchIdempotencyKey(
  events: readonly Pick<rfid.RfidEvent, 'station_id' | 'event_id'>[],
  /** A v2 batch's health: part of the body, so part of the key (fresh readings make a new request). */
  health?: unknown,
): string {
  const h = createHash('sha256');
  for (const e of events) h.update(`${e.station_id}\u0000${e.event_id}\n`);
  if (health !== undefined) h.update(`health\u0000${JSON.stringify(health)}\n`);
  return `evb:${events.length}:${h.digest('base64url').slice(0, 43).replace(/_/g, '.')}`;
}

const ENVELOPE_BYTES = '{"events":[]}'.length;

/** Size of an event in a batch body (its JSON plus the separating comma). */
export function eventBytes(event: unknown): number {
  return Buffer.byteLength(JSON.stringify(event)) + 1;
}

/** Splits events into batches within `limits`, keeping their order. */
export function splitIntoBatches<E>(events: readonly E[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): E[][] {
  const out: E[][] = [];
  let current: E[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const e of events) {
    const size = eventBytes(e);
    if (ENVELOPE_BYTES + size > limits.maxBytes) {
      throw new FieldopsError(
        'event_too_large',
        `rfid: one event is ${size} bytes, over the batch limit ${limits.maxBytes}`,
      );
    }
    if (current.length >= limits.maxEvents || bytes + size > limits.maxBytes) {
      out.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}
