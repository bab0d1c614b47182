import { Buffer } from 'node:buffer';
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
  /**
   * Runs passes until one claims less than a full batch or the bus fails, with up to `passesInFlight`
   * passes overlapping (the next claim while this batch publishes); returns the totals.
   */
  drain(): Promise<RelayPass>;
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
  /**
   * Passes in flight at once: 2 lets the next batch be claimed (and the last one marked and committed)
   * while this one publishes, each pass in its own transaction; batches still reach the bus in outbox
   * order (a pass publishes only after the one before it has). Default 2 on Postgres, 1 on PGlite
   * (one connection: a second transaction would only wait). 1 = strictly one pass after the other.
   */
  readonly passesInFlight?: number;
  /** Sleep between passes when the outbox is empty, ms; default 100. */
  readonly pollIntervalMs?: number;
  /** Back-off while the bus fails; default DEFAULT_BACKOFF. */
  readonly backoff?: BackoffPolicy;
  /**
   * What becomes of a row once the bus stored its event. `keep` (default): marked `published_at` and
   * deleted after `retentionMs`; an append of the same `source` + `id` meanwhile is a no-op. `delete`:
   * deleted in the pass's transaction, which costs Postgres about a third of the mark (no new row version,
   * no index entries; decision 0049); the append-time dedup then covers pending events only (the bus's
   * duplicate window and the consumers' inboxes cover the rest).
   */
  readonly publishedRows?: 'keep' | 'delete';
  /** With `publishedRows: 'keep'`: delete published rows older than this, ms (checked once a minute); default 7 days; 0 keeps them. */
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

/** How a pass is ordered against its neighbours in {@link Relay.drain}. */
interface PassHooks {
  /** Settles when the pass before this one has published (this one publishes after it). */
  readonly turn: Promise<void>;
  /** Called once the claim is done, with the number of rows claimed. */
  claimed(n: number): void;
  /** Called once this pass's publish has ended (ok or not). */
  published(): void;
}

const NO_HOOKS: PassHooks = { turn: Promise.resolve(), claimed: () => {}, published: () => {} };

/** Adds a pass's counts to a running total. */
function add(total: { -readonly [K in keyof RelayPass]: number }, p: RelayPass): void {
  total.claimed += p.claimed;
  total.published += p.published;
  total.failed += p.failed;
  total.rejected += p.rejected;
}

/**
 * A Postgres array literal of `seq` values (digits only, from `seq::text`): one string instead of an array
 * the driver escapes element by element.
 */
function bigintArray(seqs: readonly string[]): string {
  return `{${seqs.join(',')}}`;
}

/** A pass where the bus took nothing (it is down or refusing): the relay backs off. */
function stalled(p: RelayPass): boolean {
  return p.failed > 0 && p.published === 0 && p.rejected === 0;
}

/** The message a row becomes: dedup id `source + ' ' + id`, CloudEvents attributes as `ce-*` headers. */
function toMessage(row: ClaimedRow): BusMessage {
  return {
    subject: row.subject,
    id: `${row.source} ${row.id}`,
    // Buffer.from takes small payloads from Node's shared pool: no ArrayBuffer per event as with TextEncoder.
    data: Buffer.from(row.payload, 'utf8'),
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
  const markPublished =
    options.publishedRows === 'delete'
      ? `DELETE FROM ${BUS_SCHEMA}.outbox WHERE seq = ANY($1::bigint[])`
      : `UPDATE ${BUS_SCHEMA}.outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`;
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

  const EMPTY: RelayPass = { claimed: 0, published: 0, failed: 0, rejected: 0 };
  const inFlightMax = Math.max(
    1,
    mode === 'one-by-one' ? 1 : (options.passesInFlight ?? (db.dialect === 'postgres' ? 2 : 1)),
  );

  /** One pass in one transaction; `hooks` order it against the passes around it (see drain). */
  async function pass(hooks: PassHooks = NO_HOOKS): Promise<RelayPass> {
    return db.transaction(async (tx) => {
      const { rows } = (await tx.query(
        `SELECT seq::text AS seq, subject, source, id, type, payload FROM ${BUS_SCHEMA}.outbox
         WHERE published_at IS NULL AND rejected_at IS NULL ORDER BY outbox.seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      )) as { rows: ClaimedRow[] };
      hooks.claimed(rows.length);
      if (rows.length === 0) return EMPTY;
      const messages = rows.map(toMessage);
      await hooks.turn;
      let outcomes: Awaited<ReturnType<typeof publish>>;
      try {
        outcomes = await publish(messages);
      } finally {
        hooks.published();
      }
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
      if (ok.length > 0) await tx.query(markPublished, [bigintArray(ok)]);
      if (failed.length > 0) {
        await tx.query(
          `UPDATE ${BUS_SCHEMA}.outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
          [bigintArray(failed), String(firstError?.message ?? 'publish failed').slice(0, 1000)],
        );
        logger.warn(
          { component: 'bus.relay', failed: failed.length, published: ok.length, err: firstError?.message },
          'publish failed',
        );
      }
      return { claimed: rows.length, published: ok.length, failed: failed.length, rejected: rejected.length };
    });
  }

  async function runOnce(): Promise<RelayPass> {
    return pass();
  }

  /**
   * Passes back to back, up to `inFlightMax` at once. Pass k+1 claims while pass k publishes (its claim
   * skips k's still-locked rows, so it takes the next ones), waits for k's publish to end before its
   * own (outbox order on the bus), and publishes while k marks and commits.
   */
  async function drain(): Promise<RelayPass> {
    if (inFlightMax === 1) {
      const total = { ...EMPTY };
      for (;;) {
        const p = await pass();
        add(total, p);
        if (p.claimed < batchSize || stalled(p)) return total;
      }
    }
    const total = { ...EMPTY };
    const running = new Set<Promise<unknown>>();
    let turn: Promise<void> = Promise.resolve();
    let failure: unknown;
    let stop = false;
    while (!stop && failure === undefined) {
      let claimed!: (n: number) => void;
      const claim = new Promise<number>((resolve) => {
        claimed = resolve;
      });
      let published!: () => void;
      const mine = new Promise<void>((resolve) => {
        published = resolve;
      });
      const hooks: PassHooks = { turn, claimed, published };
      turn = mine;
      const running1: Promise<unknown> = pass(hooks)
        .then(
          (p) => {
            add(total, p);
            if (stalled(p)) stop = true;
          },
          (error) => {
            failure ??= error;
          },
        )
        .finally(() => {
          claimed(0); // a pass that threw before its claim ended
          published();
          running.delete(running1);
        });
      running.add(running1);
      if ((await claim) < batchSize) stop = true;
      while (running.size >= inFlightMax) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure !== undefined) throw failure;
    return total;
  }

  async function run(signal: AbortSignal) {
    let failures = 0;
    let lastPrune = 0;
    while (!signal.aborted) {
      let pass: RelayPass | undefined;
      try {
        pass = await drain();
      } catch (error) {
        // The database itself failed (connection lost, restart): same back-off as a bus failure.
        logger.error({ component: 'bus.relay', err: (error as Error).message }, 'relay pass failed');
      }
      if (!pass || stalled(pass)) {
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
      // drain returned: the last pass found less than a full batch.
      waker = new AbortController();
      await pause(pollIntervalMs, AbortSignal.any([signal, waker.signal]));
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
    drain,
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
