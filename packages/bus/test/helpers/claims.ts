import type { SqlDatabase } from '../../src/index.js';

/** A database that counts the relay's claims. */
export interface WatchedDatabase {
  /** The real database, with every transaction's statements passed through and counted. */
  readonly db: SqlDatabase;
  /** Claims (`FOR UPDATE SKIP LOCKED` statements) finished so far. */
  claims(): number;
}

/** Wraps the real database so a test sees when the relay's claims finish (nothing else changes). */
export function watchClaims(db: SqlDatabase): WatchedDatabase {
  let claims = 0;
  return {
    db: {
      ...db,
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({
            async query(text, params) {
              const result = await tx.query(text, params);
              if (text.includes('FOR UPDATE SKIP LOCKED')) claims++;
              return result;
            },
          }),
        ),
    },
    claims: () => claims,
  };
}
