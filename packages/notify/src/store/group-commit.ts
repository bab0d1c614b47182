// Group commit: the engine changes its working copy on one serial queue; every change is written to
// the store, but a batch of them per round trip instead of one round trip per change. A queue task is
// the unit of atomicity (an escalation step and the deliveries it creates land together or not at
// all); a caller is answered once the batch holding its task is durable.
// A batch starts one event-loop turn after the first task is sealed, not at once: the engine's queued
// tasks run as microtasks, so a burst of them (1,000 ingests in flight) seals within that turn and goes
// in one transaction instead of one transaction for the first task and one for the rest.
import { setImmediate as nextTurn } from 'node:timers';
import type { NotifyStore, StoreCollection, StoreFence } from './store.js';

const DONE: Promise<void> = Promise.resolve();

/** A buffered write: the live document until its task is sealed, then its JSON (or the live object). */
interface Write {
  readonly collection: StoreCollection;
  readonly key: string;
  value: string | object | undefined;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody waits for may fail; the failure reaches `onError`, not an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** The lease writes must hold (replicas); checked by the store in the batch's transaction. */
  fence?: () => StoreFence | undefined;
  /** Called when a batch fails (its writes are kept and go with the next batch). */
  onError?: (err: unknown) => void;
}

/**
 * Buffers the engine's writes and commits them in batches: `put`/`delete` record a change of the open
 * task, `seal` closes the task (its documents are snapshotted then, so later changes cannot leak into
 * it), `commit` resolves once everything sealed so far is in the store. One batch is in flight at a
 * time; what is sealed meanwhile goes in the next one, so batches grow with the load.
 */
export class GroupCommit {
  /**
   * The open task's writes, in order. A key written twice in one task is there twice: sealing keeps
   * the later one (that case is rare; a map per task cost one more probe per write).
   */
  private open: Write[] = [];
  /** Sealed writes waiting for the next batch, per collection and key. */
  private sealed = new Map<StoreCollection, Map<string, Write>>();
  private sealedCount = 0;
  private waiting: Deferred | undefined;
  private inflight: Deferred | undefined;
  private afterSeal: Deferred | undefined;
  /** A batch is to start on the next event-loop turn. */
  private kickPending = false;
  /** Batches written, and documents in them (for benches and tests). */
  readonly stats = { batches: 0, writes: 0 };

  constructor(
    readonly store: NotifyStore,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /** One document from the store (not from the buffer). */
  get<T>(collection: StoreCollection, key: string): Promise<T | undefined> {
    return this.store.get<T>(collection, key);
  }

  /** Every document of a collection from the store (not from the buffer). */
  list<T>(collection: StoreCollection): Promise<T[]> {
    return this.store.list<T>(collection);
  }

  /** Records a write in the open task (a later write of the same key replaces it). */
  put<T>(collection: StoreCollection, key: string, value: T): Promise<void> {
    this.record({ collection, key, value: value as object });
    return DONE;
  }

  /** Records a delete in the open task. */
  delete(collection: StoreCollection, key: string): Promise<void> {
    this.record({ collection, key, value: undefined });
    return DONE;
  }

  private record(w: Write): void {
    this.open.push(w);
  }

  /** Writes not yet in the store (a key written twice in the open task counts twice until sealed). */
  get pending(): number {
    return this.open.length + this.sealedCount;
  }

  /** Closes the open task: its documents are snapshotted now (as JSON) and join the next batch. */
  seal(): void {
    const open = this.open;
    if (open.length > 0) {
      const refs = this.store.keepsReferences === true;
      // Consecutive writes of one collection (the common case) share one lookup of its map.
      let collection: StoreCollection | undefined;
      let into: Map<string, Write> | undefined;
      for (let i = 0; i < open.length; i++) {
        const w = open[i] as Write;
        if (w.collection !== collection) {
          collection = w.collection;
          into = this.sealedOf(collection);
        }
        // The entry is the buffer's own: it becomes the sealed write (its value a snapshot).
        if (!refs && w.value !== undefined) w.value = JSON.stringify(w.value);
        const m = into as Map<string, Write>;
        const size = m.size;
        m.set(w.key, w);
        this.sealedCount += m.size - size;
      }
      this.open = [];
    }
    const d = this.afterSeal;
    if (d) {
      this.afterSeal = undefined;
      this.commit().then(d.resolve, d.reject);
    }
  }

  /**
   * Writes one document outside the open task: it joins the next batch at once (a task that writes the
   * same key and is sealed later still wins) and resolves once it is in the store. For a record that
   * must not wait behind the queue: a provider's answer to a send (decision 0052).
   */
  putNow<T>(collection: StoreCollection, key: string, value: T): Promise<void> {
    const into = this.sealedOf(collection);
    const size = into.size;
    const v = value as object;
    // A store that keeps references gets its own copy: the caller's object goes on changing.
    into.set(key, {
      collection,
      key,
      value: this.store.keepsReferences === true ? { ...v } : JSON.stringify(v),
    });
    this.sealedCount += into.size - size;
    return this.commit();
  }

  private sealedOf(collection: StoreCollection): Map<string, Write> {
    let col = this.sealed.get(collection);
    if (!col) {
      col = new Map();
      this.sealed.set(collection, col);
    }
    return col;
  }

  /** Resolves when everything sealed so far is in the store; rejects when its batch failed. */
  commit(): Promise<void> {
    if (this.sealedCount === 0) return this.inflight?.promise ?? DONE;
    this.waiting ??= deferred();
    const p = this.waiting.promise;
    if (!this.inflight && !this.kickPending) {
      this.kickPending = true;
      nextTurn(() => {
        this.kickPending = false;
        if (!this.inflight) this.kick();
      });
    }
    return p;
  }

  /** Resolves when the open task's writes too are in the store (after it is sealed). */
  durable(): Promise<void> {
    if (this.open.length === 0) return this.commit();
    this.afterSeal ??= deferred();
    return this.afterSeal.promise;
  }

  private kick(): void {
    const d = this.waiting;
    if (!d) return;
    this.waiting = undefined;
    const batch: Write[] = [];
    for (const col of this.sealed.values()) {
      for (const w of col.values()) batch.push(w);
      col.clear();
    }
    this.sealedCount = 0;
    this.inflight = d;
    const fence = this.options.fence?.();
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.store.write(batch, fence ? { fence } : undefined).then(
      () => this.settled(d),
      (err: unknown) => {
        // Keep the writes (unless a newer one of the same key is already waiting) for the next batch.
        for (const w of batch) {
          const col = this.sealedOf(w.collection);
          if (col.has(w.key)) continue;
          col.set(w.key, w);
          this.sealedCount++;
        }
        this.options.onError?.(err);
        this.settled(d, err);
      },
    );
  }

  private settled(d: Deferred, err?: unknown): void {
    this.inflight = undefined;
    if (err === undefined) d.resolve();
    else d.reject(err);
    if (this.waiting) this.kick();
  }
}
