import { sleep as coreSleep, type Logger, noopLogger } from '@fieldops/core';
import { FieldopsHttpError, NetworkError } from '../../transport/errors.js';
import type { Spool } from './spool.js';

/** Options of {@link createSpoolForwarder}. */
export interface SpoolForwarderOptions<T> {
  spool: Spool<T>;
  /** Delivers one batch (in spool order); resolves when the receiver stored it. */
  send: (records: T[]) => Promise<unknown>;
  /** Records per batch; default 1000. */
  maxBatch?: number;
  /** Bytes per batch (payload JSON); default 900 KiB, under the contract's 1 MiB. */
  maxBatchBytes?: number;
  /** Wait when the spool is empty before looking again; default 50 ms. */
  idleMs?: number;
  /** First backoff after a failed send; doubles up to `maxBackoffMs`. Default 100 ms / 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Called for a batch the receiver rejected for good (a 4xx other than 408/409/429, or 413 for a
   * single record; a 413 for a larger batch halves the batch instead): the batch is
   * skipped so one bad record cannot block the station forever. Default: log an error.
   */
  onRejected?: (records: T[], error: unknown) => void | Promise<void>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Moves records from a spool to a receiver, in order, until stopped. */
export interface SpoolForwarder {
  /** Starts the loop (idempotent). */
  start(): void;
  /** Resolves once the spool is empty (everything appended so far was delivered). */
  drained(): Promise<void>;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
  /** Counters. */
  readonly stats: { batches: number; records: number; failures: number; rejected: number };
}

function tooLarge(error: unknown): boolean {
  return error instanceof FieldopsHttpError && error.status === 413;
}

function permanent(error: unknown): boolean {
  if (!(error instanceof FieldopsHttpError) || error instanceof NetworkError) return false;
  const s = error.status;
  return s >= 400 && s < 500 && s !== 408 && s !== 409 && s !== 429;
}

/**
 * Delivers a spool head-first: peek a batch, send it, ack it, repeat. A failed send is retried
 * with backoff (the same batch, so order holds); ack happens only after the receiver answered, so a
 * crash re-sends at most the batch in flight, which the receiver deduplicates by event id.
 */
export function createSpoolForwarder<T>(options: SpoolForwarderOptions<T>): SpoolForwarder {
  const { spool, send } = options;
  const maxBatch = options.maxBatch ?? 1000;
  const maxBatchBytes = options.maxBatchBytes ?? 900 * 1024;
  const idleMs = options.idleMs ?? 50;
  const backoffMs = options.backoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const logger = options.logger ?? noopLogger;
  const sleep = options.sleep ?? ((ms: number) => coreSleep(ms));
  const stats = { batches: 0, records: 0, failures: 0, rejected: 0 };
  let running: Promise<void> | undefined;
  let stopping = false;
  let drainWaiters: (() => void)[] = [];

  async function loop(): Promise<void> {
    let backoff = backoffMs;
    // Halved when the receiver answers 413 (its limit is lower than ours), restored after a success.
    let batchLimit = maxBatch;
    while (!stopping) {
      const batch = await spool.peek(batchLimit, maxBatchBytes);
      if (batch.records.length === 0) {
        for (const w of drainWaiters) w();
        drainWaiters = [];
        await sleep(idleMs);
        continue;
      }
      try {
        await send(batch.records);
        backoff = backoffMs;
        batchLimit = Math.min(maxBatch, batchLimit * 2);
        stats.batches += 1;
        stats.records += batch.records.length;
      } catch (error) {
        if (tooLarge(error) && batch.records.length > 1) {
          batchLimit = Math.max(1, Math.floor(batch.records.length / 2));
          continue;
        }
        if (!permanent(error)) {
          stats.failures += 1;
          logger.debug(
            { outcome: 'retry', records: batch.records.length, backoff_ms: backoff },
            'rfid spool send failed',
          );
          await sleep(backoff);
          backoff = Math.min(maxBackoffMs, backoff * 2);
          continue;
        }
        stats.rejected += batch.records.length;
        if (options.onRejected) await options.onRejected(batch.records, error);
        else
          logger.error({ outcome: 'rejected', records: batch.records.length }, 'rfid spool batch rejected');
      }
      await spool.ack(batch.end);
    }
  }

  return {
    stats,
    start() {
      stopping = false;
      running ??= loop().finally(() => {
        running = undefined;
      });
    },
    drained() {
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}
