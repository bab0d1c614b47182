/** The collections the engine keeps. Values are plain JSON. */
export type StoreCollection =
  | 'alerts'
  | 'groups'
  | 'nflog'
  | 'incidents'
  | 'deliveries'
  | 'silences'
  | 'windows'
  | 'events';

/**
 * Where the engine's state lives between restarts: a key-value store of JSON documents per
 * collection. The engine keeps a working copy in memory and writes through; on `start` it loads
 * every collection and re-arms pending group flushes, escalations and deliveries.
 */
export interface NotifyStore {
  get<T>(collection: StoreCollection, key: string): Promise<T | undefined>;
  put<T>(collection: StoreCollection, key: string, value: T): Promise<void>;
  delete(collection: StoreCollection, key: string): Promise<void>;
  /** Every value of a collection (order unspecified). */
  list<T>(collection: StoreCollection): Promise<T[]>;
}
