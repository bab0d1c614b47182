/** One entry of the heap: a key due at a time. */
export interface HeapEntry {
  readonly key: string;
  at: number;
  /** Insertion order, so equal times fire first-in first-out. */
  seq: number;
  /** Position in the heap array, kept up to date so removal is O(log n). */
  index: number;
}

/** A binary min-heap of due times with removal by key. */
export class TimerHeap {
  private readonly heap: HeapEntry[] = [];
  private readonly byKey = new Map<string, HeapEntry>();
  private seq = 0;

  /** Number of pending entries. */
  get size(): number {
    return this.heap.length;
  }

  /** The earliest entry, if any. */
  peek(): HeapEntry | undefined {
    return this.heap[0];
  }

  /** The due time of a key, if pending. */
  get(key: string): number | undefined {
    return this.byKey.get(key)?.at;
  }

  /** Adds or moves `key` to `at`. */
  set(key: string, at: number): void {
    const existing = this.byKey.get(key);
    if (existing) {
      const old = existing.at;
      existing.at = at;
      existing.seq = this.seq++;
      if (at < old) this.up(existing.index);
      else this.down(existing.index);
      return;
    }
    const entry: HeapEntry = { key, at, seq: this.seq++, index: this.heap.length };
    this.heap.push(entry);
    this.byKey.set(key, entry);
    this.up(entry.index);
  }

  /**
   * Adds or moves many keys at once (a restart re-arming its pending work): pops exactly as one set()
   * per entry would. Many entries against the heap's size are written in place and the heap is rebuilt
   * in one O(n) pass; a few are sifted one by one.
   */
  setMany(entries: Iterable<readonly [key: string, at: number]>): void {
    const list = Array.isArray(entries) ? (entries as readonly (readonly [string, number])[]) : [...entries];
    if (list.length * 8 < this.heap.length) {
      for (const [key, at] of list) this.set(key, at);
      return;
    }
    // In place, then one heapify: a moved key takes its new time and sequence number (the last of a
    // repeated key wins, as with set()); a new key is appended. No map or object per entry beyond the
    // heap's own, so 200,000 entries cost one Map insertion each (a restart of 100,000 escalations).
    for (const [key, at] of list) {
      const existing = this.byKey.get(key);
      if (existing) {
        existing.at = at;
        existing.seq = this.seq++;
        continue;
      }
      const entry: HeapEntry = { key, at, seq: this.seq++, index: this.heap.length };
      this.heap.push(entry);
      this.byKey.set(key, entry);
    }
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Removes `key`; false when it was not pending. */
  delete(key: string): boolean {
    const entry = this.byKey.get(key);
    if (!entry) return false;
    this.byKey.delete(key);
    const last = this.heap.pop() as HeapEntry;
    if (last !== entry) {
      this.heap[entry.index] = last;
      last.index = entry.index;
      this.up(last.index);
      this.down(last.index);
    }
    return true;
  }

  /** Removes and returns the earliest entry. */
  pop(): HeapEntry | undefined {
    const top = this.heap[0];
    if (top) this.delete(top.key);
    return top;
  }

  private less(a: HeapEntry, b: HeapEntry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as HeapEntry;
    const b = this.heap[j] as HeapEntry;
    this.heap[i] = b;
    this.heap[j] = a;
    a.index = j;
    b.index = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.heap[i] as HeapEntry, this.heap[parent] as HeapEntry)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l] as HeapEntry, this.heap[m] as HeapEntry)) m = l;
      if (r < n && this.less(this.heap[r] as HeapEntry, this.heap[m] as HeapEntry)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
