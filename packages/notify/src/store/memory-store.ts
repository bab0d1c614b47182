import type { NotifyStore, StoreCollection, StoreWrite } from './store.js';

/** Options of the memory store. */
export interface MemoryStoreOptions {
  /**
   * Keep documents as JSON text, as a real store would (default true). The benches turn it off to
   * measure the stages rather than the copying: the store then holds the engine's live objects.
   */
  copy?: boolean;
}

/** A NotifyStore in process memory: for tests, benches and single-process deployments without persistence. */
export class MemoryNotifyStore implements NotifyStore {
  private readonly data = new Map<StoreCollection, Map<string, unknown>>();
  private readonly copy: boolean;
  /** Batches written so far (tests assert group commit with it). */
  batches = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.copy = options.copy ?? true;
  }

  /** True when documents are kept by reference (`copy: false`). */
  get keepsReferences(): boolean {
    return !this.copy;
  }

  private col(collection: StoreCollection): Map<string, unknown> {
    let m = this.data.get(collection);
    if (!m) {
      m = new Map();
      this.data.set(collection, m);
    }
    return m;
  }

  private read<T>(stored: unknown): T {
    return (this.copy && typeof stored === 'string' ? JSON.parse(stored) : stored) as T;
  }

  async get<T>(collection: StoreCollection, key: string): Promise<T | undefined> {
    const v = this.col(collection).get(key);
    return v === undefined ? undefined : this.read<T>(v);
  }

  async list<T>(collection: StoreCollection): Promise<T[]> {
    return [...this.col(collection).values()].map((v) => this.read<T>(v));
  }

  async write(batch: readonly StoreWrite[]): Promise<void> {
    this.batches++;
    for (const w of batch) {
      if (w.value === undefined) this.col(w.collection).delete(w.key);
      else
        this.col(w.collection).set(
          w.key,
          this.copy && typeof w.value !== 'string' ? JSON.stringify(w.value) : w.value,
        );
    }
  }

  /** Every document of a collection with its key, as stored (JSON text when copying; for benches). */
  entries(collection: StoreCollection): [string, unknown][] {
    return [...this.col(collection).entries()];
  }

  /** Number of documents in a collection (for tests). */
  count(collection: StoreCollection): number {
    return this.col(collection).size;
  }
}
