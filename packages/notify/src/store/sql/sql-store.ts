// A NotifyStore on SQL (Postgres through `pg`, or PGlite): documents and leases in the notify schema.
import { runMigrations, type SqlDatabase } from '@fieldops/bus';
import { NotifyLeaseLostError, NotifyStoreError } from '../../errors.js';
import type { NotifyStore, StoreCollection, StoreLeases, StoreWrite, StoreWriteOptions } from '../store.js';
import { NOTIFY_MIGRATIONS, NOTIFY_SCHEMA } from './schema.js';

const T = `${NOTIFY_SCHEMA}.documents`;
const L = `${NOTIFY_SCHEMA}.leases`;
/**
 * Joins a batch's documents into one text parameter, split again by the database (string_to_array):
 * JSON text never holds a raw U+0001 (JSON.stringify escapes every control character), so no escaping
 * is needed, where a text[] parameter is an array literal that escapes every `"` of every document on
 * the way out and unescapes it on the way in (measured: that round trip cost more CPU than the upsert).
 */
const SEP = '\u0001';
/** Documents per page when listing a collection (one JSON array text each). */
const LIST_PAGE = 20_000;

/**
 * Keys as Postgres text: a text value cannot hold NUL, which the engine uses as a separator (the
 * notification log's `receiver NUL group key`). Escaping `\\` and NUL keeps the mapping one-to-one.
 */
function sqlKey(key: string): string {
  return key.includes('\\') || key.includes('\u0000')
    ? key.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\0')
    : key;
}

/** Options of {@link createSqlNotifyStore}. */
export interface SqlNotifyStoreOptions {
  /** Close the database with the store (true when the factory opened it). */
  readonly ownsDatabase?: boolean;
  /**
   * Where leases are taken and renewed (default: `db`). Its own connection keeps a renewal from
   * queueing behind the store's reads and batches; closed with the store.
   */
  readonly leaseDatabase?: SqlDatabase;
}

/** Leases on the `leases` table, taken with `FOR UPDATE SKIP LOCKED`. */
function sqlLeases(db: SqlDatabase): StoreLeases {
  return {
    async acquire(lease, owner, ttlMs) {
      // Still ours (unexpired, or expired with nobody having taken it: a takeover changes the owner):
      // renew, token unchanged. One statement, no transaction around it: a renewal is one round trip,
      // not three (under CPU starvation each one was seconds, and a renewal 4.1 s after the last one
      // came close to a 5 s lease). It does not wait for our own fenced batches (they hold FOR KEY
      // SHARE, this UPDATE takes FOR NO KEY UPDATE), whereas the takeover path below would skip the
      // row while one of them commits. A takeover holding the row (FOR UPDATE) makes it wait, then
      // see the new owner and match nothing. In the same statement: whether the lease is free or
      // expired, so a standby polling a held lease costs one round trip too.
      const { rows: probe } = await db.query(
        `WITH renewed AS (
           UPDATE ${L} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
            WHERE name = $1 AND owner = $2 RETURNING token::int AS token)
         SELECT (SELECT token FROM renewed) AS token,
                coalesce((SELECT expires_at <= clock_timestamp() FROM ${L} WHERE name = $1), true) AS free`,
        [lease, owner, ttlMs],
      );
      const first = probe[0] as { token: number | null; free: boolean } | undefined;
      if (first?.token !== null && first?.token !== undefined)
        return { lease, owner, token: Number(first.token) };
      if (first && !first.free) return undefined;
      return db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${L} (name, owner, token, expires_at) VALUES ($1, '', 0, '-infinity') ON CONFLICT (name) DO NOTHING`,
          [lease],
        );
        // Free or expired: take it over. A row another replica has locked (renewing, or committing a
        // fenced batch) is skipped: it is held.
        const { rows } = await tx.query(
          `SELECT owner, token::int AS token FROM ${L}
            WHERE name = $1 AND expires_at <= clock_timestamp()
            FOR UPDATE SKIP LOCKED`,
          [lease],
        );
        const row = rows[0] as { owner: string; token: number } | undefined;
        if (!row) return undefined;
        // Our own lease ran out but nobody took it (a takeover changes the owner): the token stays, so
        // a late renewal under load is not mistaken for a lost lease.
        const token = row.owner === owner ? Number(row.token) : Number(row.token) + 1;
        await tx.query(
          `UPDATE ${L} SET owner = $2, token = $3, expires_at = clock_timestamp() + $4 * interval '1 millisecond' WHERE name = $1`,
          [lease, owner, token, ttlMs],
        );
        return { lease, owner, token };
      });
    },
    async release(fence) {
      await db.query(
        `UPDATE ${L} SET expires_at = '-infinity' WHERE name = $1 AND owner = $2 AND token = $3`,
        [fence.lease, fence.owner, fence.token],
      );
    },
  };
}

/**
 * Opens a NotifyStore on a bus SqlDatabase (Postgres or PGlite) and migrates the notify schema; safe
 * to call from several processes at once.
 */
export async function createSqlNotifyStore(
  db: SqlDatabase,
  options: SqlNotifyStoreOptions = {},
): Promise<NotifyStore> {
  try {
    await runMigrations(db, NOTIFY_MIGRATIONS);
  } catch (err) {
    throw new NotifyStoreError(`store: migrating schema ${NOTIFY_SCHEMA} on ${db.dialect} failed`, err);
  }
  return {
    leases: sqlLeases(options.leaseDatabase ?? db),
    async get<T>(collection: StoreCollection, key: string): Promise<T | undefined> {
      const { rows } = await db.query(`SELECT value FROM ${T} WHERE collection = $1 AND key = $2`, [
        collection,
        sqlKey(key),
      ]);
      const row = rows[0] as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async list<T>(collection: StoreCollection): Promise<T[]> {
      // What a restart waits for, so each dialect gets the cheaper of two plans (measured with
      // bench/profile-recovery.ts, 100,000 pending escalations, 400,000 documents, 124 MB of JSON):
      // - PGlite runs in this process: the database joins the documents into JSON array texts of
      //   LIST_PAGE documents each (one scan; no text nears Postgres's 1 GB limit), and each is parsed
      //   with one JSON.parse instead of a result row and a parse per document: half the CPU.
      // - A Postgres server: one row per document. Joining them there cost the server 0.6-0.8 s per
      //   100,000 alerts (string_agg in a hash aggregate that spills past work_mem), which the restart
      //   waited for; rows cost this process more CPU but the restart about 1 s less wall time.
      // In a transaction of its own: `pg` keeps a connection's last result (here tens of MB of text)
      // until that connection's next query, which the COMMIT then is (measured: 680 B per alert held by
      // an idle pool connection after its list was dropped).
      if (db.dialect === 'postgres') {
        const { rows } = await db.transaction((tx) =>
          tx.query(`SELECT value FROM ${T} WHERE collection = $1`, [collection]),
        );
        const out = new Array<T>(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = JSON.parse((rows[i] as { value: string }).value) as T;
        return out;
      }
      const { rows } = await db.transaction((tx) =>
        tx.query(
          `SELECT '[' || string_agg(value, ',') || ']' AS docs
           FROM (SELECT value, (row_number() OVER ()) / ${LIST_PAGE} AS page FROM ${T} WHERE collection = $1) d
          GROUP BY page`,
          [collection],
        ),
      );
      if (rows.length === 1) return JSON.parse((rows[0] as { docs: string }).docs) as T[];
      const out: T[] = [];
      for (const row of rows)
        for (const doc of JSON.parse((row as { docs: string }).docs) as T[]) out.push(doc);
      return out;
    },
    async write(batch: readonly StoreWrite[], writeOptions: StoreWriteOptions = {}): Promise<void> {
      // The last write of a key wins; one statement for the upserts, one for the deletes.
      const last = new Map<string, StoreWrite>();
      for (const w of batch) last.set(`${w.collection}\u0000${w.key}`, w);
      const put: [string[], string[], string[]] = [[], [], []];
      const del: [string[], string[]] = [[], []];
      for (const w of last.values()) {
        if (w.value === undefined) {
          del[0].push(w.collection);
          del[1].push(sqlKey(w.key));
        } else {
          const value = typeof w.value === 'string' ? w.value : JSON.stringify(w.value);
          if (value.includes(SEP)) {
            throw new NotifyStoreError(
              `store: ${w.collection}/${w.key}: the document is not JSON text (it holds U+0001, which JSON escapes); nothing was written`,
            );
          }
          put[0].push(w.collection);
          put[1].push(sqlKey(w.key));
          put[2].push(value);
        }
      }
      const fence = writeOptions.fence;
      // One statement, so one round trip (not BEGIN, fence, upsert, delete, COMMIT: under CPU starvation
      // each round trip took hundreds of ms, and a page's answer waited for its batch). A statement is
      // its own transaction: the upserts and deletes land together or not at all.
      // The fence: owner and token, not expiry. A takeover changes both under FOR UPDATE; FOR KEY SHARE
      // here makes a takeover (FOR UPDATE SKIP LOCKED) skip the row while this batch commits, and a
      // batch that waits behind a takeover's lock re-reads the row once it commits (READ COMMITTED), no
      // longer matches it, and writes nothing. KEY SHARE, not SHARE: our own renewal (an UPDATE of
      // expires_at, FOR NO KEY UPDATE) does not wait for a long batch (PostgreSQL docs, "Row-Level
      // Locks", conflict table). A lease that ran out without being taken is still safe to write under
      // (nobody else wrote), so expiry alone refuses nothing.
      const held = fence ? 'EXISTS (SELECT 1 FROM fence)' : 'true';
      const { rows } = await db.query(
        `WITH ${
          fence
            ? `fence AS (SELECT 1 FROM ${L} WHERE name = $6 AND owner = $7 AND token = $8 FOR KEY SHARE),`
            : ''
        }
         put AS (
           INSERT INTO ${T} (collection, key, value)
           SELECT * FROM unnest($1::text[], $2::text[], string_to_array($3::text, E'\\x01')) WHERE ${held}
           ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, updated_at = now()),
         del AS (
           DELETE FROM ${T} d USING unnest($4::text[], $5::text[]) AS x(collection, key)
            WHERE d.collection = x.collection AND d.key = x.key AND ${held})
         SELECT ${held} AS held`,
        fence
          ? [put[0], put[1], put[2].join(SEP), ...del, fence.lease, fence.owner, fence.token]
          : [put[0], put[1], put[2].join(SEP), ...del],
      );
      if (fence && (rows[0] as { held: boolean } | undefined)?.held !== true) {
        throw new NotifyLeaseLostError(
          `store: lease ${fence.lease} is no longer held by ${fence.owner} (token ${fence.token}); nothing was written`,
        );
      }
    },
    async close() {
      if (options.leaseDatabase) await options.leaseDatabase.close();
      if (options.ownsDatabase) await db.close();
    },
  };
}
