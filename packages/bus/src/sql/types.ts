/** Anything that runs one parameterised SQL statement: a `pg` Client/PoolClient, PGlite or its transaction. */
export interface SqlExecutor {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A database the bus owns a handle to: queries, transactions and close. */
export interface SqlDatabase extends SqlExecutor {
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Which engine this is, for logs and benchmark labels. */
  readonly dialect: 'postgres' | 'pglite';
  /** Releases the handle (ends the pool or closes PGlite) when the bus created it. */
  close(): Promise<void>;
}
