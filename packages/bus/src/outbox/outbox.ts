import { type BusEvent, validateEvent } from '../envelope.js';
import { BUS_SCHEMA } from '../sql/migrations.js';
import type { SqlDatabase, SqlExecutor } from '../sql/types.js';
import { subjectForType } from '../subject.js';

/** Options of {@link Outbox.append}. */
export interface AppendOptions {
  /** The caller's open transaction (a `pg` client inside BEGIN, or a PGlite transaction). */
  readonly tx?: SqlExecutor;
}

/** What an append did: how many rows were new (an event already in the outbox by source + id is skipped). */
export interface AppendResult {
  readonly appended: number;
  readonly duplicates: number;
}

/** The transactional outbox: events written with the change that caused them, published later by a relay. */
export interface Outbox {
  /** Appends events (validated against the contracts) in `tx` or, without one, in a transaction of its own. */
  append(events: BusEvent | readonly BusEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Deletes published rows older than `olderThanMs`; returns how many went. */
  prunePublished(olderThanMs: number): Promise<number>;
  /** How many rows wait for the relay. */
  pendingCount(): Promise<number>;
  /** Registers a listener called after an append that the outbox committed itself (wakes an in-process relay). */
  onAppended(listener: () => void): () => void;
}

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  readonly db: SqlDatabase;
  /** Rows per INSERT statement (multi-row VALUES); default 500. */
  readonly chunkSize?: number;
}

const COLUMNS = 5;

/** Creates the outbox over a migrated database (see `migrate`). */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db } = options;
  const chunkSize = options.chunkSize ?? 500;
  const listeners = new Set<() => void>();

  async function insert(tx: SqlExecutor, events: readonly BusEvent[]): Promise<number> {
    let appended = 0;
    for (let start = 0; start < events.length; start += chunkSize) {
      const chunk = events.slice(start, start + chunkSize);
      const params: unknown[] = [];
      const values = chunk.map((e, i) => {
        params.push(e.source, e.id, e.type, subjectForType(e.type), JSON.stringify(e));
        const o = i * COLUMNS;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5})`;
      });
      const { rows } = await tx.query(
        `INSERT INTO ${BUS_SCHEMA}.outbox (source, id, type, subject, payload) VALUES ${values.join(', ')}
         ON CONFLICT (source, id) DO NOTHING RETURNING seq`,
        params,
      );
      appended += rows.length;
    }
    return appended;
  }

  return {
    async append(input, appendOptions) {
      const list = (Array.isArray(input) ? input : [input]) as readonly BusEvent[];
      // Validate everything before writing anything: a bad event never half-writes a batch.
      const events = list.map((e) => validateEvent(e));
      if (events.length === 0) return { appended: 0, duplicates: 0 };
      let appended: number;
      if (appendOptions?.tx) appended = await insert(appendOptions.tx, events);
      else {
        appended = await db.transaction((tx) => insert(tx, events));
        for (const l of listeners) l();
      }
      return { appended, duplicates: events.length - appended };
    },
    async prunePublished(olderThanMs) {
      const { rows } = await db.query(
        `DELETE FROM ${BUS_SCHEMA}.outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::double precision) RETURNING seq`,
        [olderThanMs / 1000],
      );
      return rows.length;
    },
    async pendingCount() {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM ${BUS_SCHEMA}.outbox WHERE published_at IS NULL AND rejected_at IS NULL`,
      );
      return Number((rows[0] as { n: number }).n);
    },
    onAppended(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
