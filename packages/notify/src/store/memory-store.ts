import type { NotifyStore, StoreCollection } from './store.js';

/** Options of the memory store. */
export interface MemoryStoreOptions {
  /**
   * Copy values through JSON on write and read, as a real store would (default true). The benches turn
   * it off to measure the stages rather than the copying.
   */
  copy?: boolean;
}

/** A NotifyStore in process memory: for tests, benches and single-process deployments without persistence. */
export class MemoryNotifyStore implements NotifyStore {
  private readonly data = new Map<StoreCollection, Map<string, unknown>>();
  private readonly copy: boolean;

  constructor(options: MemoryStoreOptions = {}) {
    this.copy = options.copy ?? true;
  }

  private col(collection: StoreCollection): Map<string, unknown> {
    let m = this.data.get(collection);
    if (!m) {
      m = new Map();
      this.data.set(collection, m);
    }
    return m;
  }

  private clone<T>(value: T): T {
    return this.copy && value !== undefined ? (JSON.parse(JSON.stringify(value)) as T) : value;
  }

  async get<T>(collection: StoreCollection, key: string): Promise<T | undefined> {
    return this.clone(this.col(collection).get(key) as T | undefined);
  }

  async put<T>(collection: StoreCollection, key: string, value: T): Promise<void> {
    this.col(collection).set(key, this.clone(value));
  }

  async delete(collection: StoreCollection, key: string): Promise<void> {
    this.col(collection).delete(key);
  }

  async list<T>(collection: StoreCollection): Promise<T[]> {
    return [...this.col(collection).values()].map((v) => this.clone(v as T));
  }

  /** Number of documents in a collection (for tests). */
  count(collection: StoreCollection): number {
    return this.col(collection).size;
  }
}
