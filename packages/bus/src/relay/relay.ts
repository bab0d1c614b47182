import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, pause } from '../backoff.js';
import { type BusLogger, noopLogger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import { BUS_SCHEMA } from '../sql/migrations.js';
import type { SqlDatabase } from '../sql/types.js';
import type { BusMessage, Publisher } from '../transport.js';

/** What one relay pass did. */
export interface RelayPass {
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
  /** Refused by the receiver itself (a permanent failure): marked `rejected_at`, not retried. */
  readonly rejected: number;
}

/** Publishes outbox rows to a bus. */
export interface Relay {
  /** Claims one batch, publishes it and marks what the bus stored; never throws for a bus failure. */
  runOnce(): Promise<RelayPass>;
  /** Runs passes until stopped: back-to-back while there is work, polling when idle, backing off when the bus is down. */
  start(): void;
  /** Wakes an idle relay now (an in-process outbox calls this after an append). */
  wake(): void;
  /** Stops the loop and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Options of {@link createRelay}. */
export interface RelayOptions {
  readonly db: SqlDatabase;
  readonly publisher: Publisher;
  /** Wake on appends made through this outbox (in-process); optional. */
  readonly outbox?: Outbox;
  /** Rows claimed per pass; default 500. */
  readonly batchSize?: number;
  /** `batch`: every message of a pass in flight at once (default). `one-by-one`: await each publish (the baseline). */
  readonly publishMode?: 'batch' | 'one-by-one';
  /** Sleep between passes when the outbox is empty, ms; default 100. */
  readonly pollIntervalMs?: number;
  /** Back-off while the bus fails; default DEFAULT_BACKOFF. */
  readonly backoff?: BackoffPolicy;
  /** Delete published rows older than this, ms (checked once a minute); default 7 days; 0 keeps them. */
  readonly retentionMs?: number;
  readonly logger?: BusLogger;
}

interface ClaimedRow {
  seq: string;
  subject: string;
  source: string;
  id: string;
  type: string;
  payload: string;
}

const encoder = new TextEncoder();

/** The message a row becomes: dedup id `source + ' ' + id`, CloudEvents attributes as `ce-*` headers. */
function toMessage(row: ClaimedRow): BusMessage {
  return {
    subject: row.subject,
    id: `${row.source} ${row.id}`,
    data: encoder.encode(row.payload),
    headers: {
      'ce-id': row.id,
      'ce-source': row.source,
      'ce-type': row.type,
      'content-type': 'application/cloudevents+json',
    },
  };
}

/**
 * Creates a relay. Several relays may run on one outbox: each pass claims its rows with
 * `FOR UPDATE SKIP LOCKED` and holds the lock until the rows are marked, so no two relays publish the
 * same row at once; a relay killed mid-pass releases its rows and the next pass republishes them
 * (the bus drops the copy by dedup id, consumers' inboxes drop what is left).
 */
export function createRelay(options: RelayOptions): Relay {
  const { db, publisher } = options;
  const logger = options.logger ?? noopLogger;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
  const mode = options.publishMode ?? 'batch';
  let loop: Promise<void> | undefined;
  let stopper: AbortController | undefined;
  let waker: AbortController | undefined;
  let unsubscribe: (() => void) | undefined;

  async function publish(messages: BusMessage[]) {
    if (mode === 'batch') return publisher.publishBatch(messages);
    const outcomes = [];
    for (const m of messages) outcomes.push(...(await publisher.publishBatch([m])));
    return outcomes;
  }

  async function runOnce(): Promise<RelayPass> {
    return db.transaction(async (tx) => {
      const { rows } = (await tx.query(
        `SELECT seq::text AS seq, subject, source, id, type, payload FROM ${BUS_SCHEMA}.outbox
         WHERE published_at IS NULL AND rejected_at IS NULL ORDER BY outbox.seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      )) as { rows: ClaimedRow[] };
      if (rows.length === 0) return { claimed: 0, published: 0, failed: 0, rejected: 0 };
      const outcomes = await publish(rows.map(toMessage));
      const ok: string[] = [];
      const failed: string[] = [];
      const rejected: { seq: string; error: string }[] = [];
      let firstError: Error | undefined;
      outcomes.forEach((o, i) => {
        const seq = (rows[i] as ClaimedRow).seq;
        if (o.ok) ok.push(seq);
        else if (o.permanent) rejected.push({ seq, error: o.error.message.slice(0, 1000) });
        else {
          failed.push(seq);
          firstError ??= o.error;
        }
      });
      // Refused by the receiver itself: kept (never retried, never pruned) for an operator to look at.
      for (const r of rejected) {
        await tx.query(
          `UPDATE ${BUS_SCHEMA}.outbox SET rejected_at = now(), attempts = attempts + 1, last_error = $2 WHERE seq = $1::bigint`,
          [r.seq, r.error],
        );
      }
      if (rejected.length > 0)
        logger.error(
          { component: 'bus.relay', rejected: rejected.length, err: rejected[0]?.error },
          'events rejected by the receiver (kept in the outbox with rejected_at)',
        );
      if (ok.length > 0) {
        await tx.query(`UPDATE ${BUS_SCHEMA}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
          ok,
        ]);
      }
      if (failed.length > 0) {
        await tx.query(
          `UPDATE ${BUS_SCHEMA}.outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
          [failed, String(firstError?.message ?? 'publish failed').slice(0, 1000)],
        );
        logger.warn(
          { component: 'bus.relay', failed: failed.length, published: ok.length, err: firstError?.message },
          'publish failed',
        );
      }
      return { claimed: rows.length, published: ok.length, failed: failed.length, rejected: rejected.length };
    });
  }

  async function run(signal: AbortSignal) {
    let failures = 0;
    let lastPrune = 0;
    while (!signal.aborted) {
      let pass: RelayPass | undefined;
      try {
        pass = await runOnce();
      } catch (error) {
        // The database itself failed (connection lost, restart): same back-off as a bus failure.
        logger.error({ component: 'bus.relay', err: (error as Error).message }, 'relay pass failed');
      }
      if (!pass || (pass.failed > 0 && pass.published === 0 && pass.rejected === 0)) {
        failures++;
        await pause(backoffDelay(policy, failures), signal);
        continue;
      }
      if (failures > 0)
        logger.info({ component: 'bus.relay', after: failures }, 'bus reachable again, resuming');
      failures = 0;
      if (retentionMs > 0 && Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await pruneQuietly(retentionMs);
      }
      if (pass.claimed < batchSize) {
        waker = new AbortController();
        const both = AbortSignal.any([signal, waker.signal]);
        await pause(pollIntervalMs, both);
      }
    }
  }

  async function pruneQuietly(olderThanMs: number) {
    try {
      await db.query(
        `DELETE FROM ${BUS_SCHEMA}.outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::double precision)`,
        [olderThanMs / 1000],
      );
    } catch (error) {
      logger.warn({ component: 'bus.relay', err: (error as Error).message }, 'retention prune failed');
    }
  }

  return {
    runOnce,
    start() {
      if (loop) return;
      stopper = new AbortController();
      unsubscribe = options.outbox?.onAppended(() => waker?.abort());
      loop = run(stopper.signal);
    },
    wake() {
      waker?.abort();
    },
    async stop() {
      stopper?.abort();
      unsubscribe?.();
      await loop;
      loop = undefined;
    },
  };
}
