/** The collections the engine keeps. Values are plain JSON. */
export type StoreCollection =
  | 'alerts'
  | 'groups'
  | 'nflog'
  | 'incidents'
  | 'deliveries'
  | 'silences'
  | 'windows'
  | 'events'
  | 'heartbeats';

/** Every collection, in the order the engine loads them. */
export const STORE_COLLECTIONS: readonly StoreCollection[] = [
  'groups',
  'alerts',
  'nflog',
  'incidents',
  'deliveries',
  'silences',
  'windows',
  'events',
  'heartbeats',
];

/** One change of a batch: a document written (`value`) or deleted (`value` undefined). */
export interface StoreWrite {
  readonly collection: StoreCollection;
  readonly key: string;
  /**
   * The document as JSON text, or the live object when the store `keepsReferences`; undefined
   * deletes the document.
   */
  readonly value: string | object | undefined;
}

/** Who may write: the holder of a lease, checked in the same transaction as the writes. */
export interface StoreFence {
  /** The lease's name (`engine`). */
  readonly lease: string;
  readonly owner: string;
  /** The fencing token the lease was acquired with; a takeover increments it. */
  readonly token: number;
}

/** Options of {@link NotifyStore.write}. */
export interface StoreWriteOptions {
  /** Refuse the batch (NotifyLeaseLostError) unless this lease is still held. */
  readonly fence?: StoreFence;
}

/**
 * A lease on a store shared by several replicas: one holder at a time, taken over when its holder
 * stops renewing. Times are the database's, so replicas need no synchronised clocks.
 */
export interface StoreLeases {
  /**
   * Takes the lease when it is free, expired or already ours (renewing it); the fence to write with,
   * or undefined when another replica holds it.
   */
  acquire(lease: string, owner: string, ttlMs: number): Promise<StoreFence | undefined>;
  /** Gives the lease up (a graceful stop), so a standby takes over at once. */
  release(fence: StoreFence): Promise<void>;
}

/**
 * Where the engine's state lives between restarts: JSON documents per collection. The engine keeps a
 * working copy in memory and writes its changes in batches (group commit, see `GroupCommit`): each
 * batch is applied atomically, in one transaction. On `start` the engine lists every collection and
 * re-arms pending group flushes, escalations and deliveries.
 */
export interface NotifyStore {
  /** One document, or undefined. */
  get<T>(collection: StoreCollection, key: string): Promise<T | undefined>;
  /** Every document of a collection (order unspecified). */
  list<T>(collection: StoreCollection): Promise<T[]>;
  /** Applies a batch atomically (all or nothing); a later write of the same key wins. */
  write(batch: readonly StoreWrite[], options?: StoreWriteOptions): Promise<void>;
  /** Leases, when replicas can share this store (Postgres); absent otherwise. */
  readonly leases?: StoreLeases;
  /**
   * True when `write` takes the engine's live objects instead of JSON text (a memory store that does
   * not copy, for benches).
   */
  readonly keepsReferences?: boolean;
  /** Releases connections the store opened. */
  close?(): Promise<void>;
}
