import type { rfid } from '@fieldops/contracts';
import { eventBytes } from './batch.js';
import type { IngestOutcome, RfidClient } from './types.js';

/** Options of {@link createEventBatcher}. */
export interface EventBatcherOptions {
  /** Send when this many events are waiting (default: the client's limit). */
  maxEvents?: number;
  /** Send when the body would exceed this many bytes (default: the client's limit). */
  maxBytes?: number;
  /** Send at most this long after the first waiting event was added; default 1000 ms. */
  maxWaitMs?: number;
  /** Timer functions (inject fakes in tests). */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** Collects events and sends them in batches by count, bytes and time. */
export interface EventBatcher {
  /** Queues an event; resolves when the batch holding it was stored, rejects when it failed. */
  add(event: rfid.RfidEvent): Promise<void>;
  /** Sends what is waiting now. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; `add` after close throws. */
  close(): Promise<void>;
  /** Totals of the batches sent so far. */
  readonly sent: { batches: number; accepted: number; duplicates: number };
}

interface Pending {
  event: rfid.RfidEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Automatic batching on top of `client.ingestBatch`: batches go out one at a time, in the order the
 * events were added, each with the Idempotency-Key derived from its event ids.
 */
export function createEventBatcher(
  client: Pick<RfidClient, 'ingestBatch' | 'batchLimits'>,
  options: EventBatcherOptions = {},
): EventBatcher {
  const maxEvents = options.maxEvents ?? client.batchLimits.maxEvents;
  const maxBytes = options.maxBytes ?? client.batchLimits.maxBytes;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const setT = options.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearT = options.clearTimeout ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  let pending: Pending[] = [];
  let bytes = 0;
  let timer: unknown;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const sent = { batches: 0, accepted: 0, duplicates: 0 };

  function cut(): Promise<void> {
    if (timer !== undefined) {
      clearT(timer);
      timer = undefined;
    }
    if (pending.length === 0) return chain;
    const batch = pending;
    pending = [];
    bytes = 0;
    chain = chain.then(async () => {
      try {
        const r: IngestOutcome = await client.ingestBatch(batch.map((p) => p.event));
        sent.batches += 1;
        sent.accepted += r.accepted;
        sent.duplicates += r.duplicates;
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    });
    return chain;
  }

  return {
    sent,
    add(event) {
      if (closed) return Promise.reject(new TypeError('@fieldops/sdk: rfid: the batcher is closed'));
      const size = eventBytes(event);
      if (pending.length > 0 && bytes + size + 13 > maxBytes) void cut();
      const p = new Promise<void>((resolve, reject) => pending.push({ event, resolve, reject }));
      bytes += size;
      if (pending.length >= maxEvents) void cut();
      else if (timer === undefined) timer = setT(() => void cut(), maxWaitMs);
      return p;
    },
    flush: () => cut(),
    async close() {
      closed = true;
      await cut();
    },
  };
}
