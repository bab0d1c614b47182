import { type Clock, GLOBAL_TIMERS, SYSTEM_CLOCK, type TimerApi } from '../types.js';
import { TimerHeap } from './timer-heap.js';

// Node clamps delays above 2^31-1 ms to 1 ms; longer waits re-arm when the shorter timer fires.
const MAX_DELAY = 2 ** 31 - 1;

/** What the scheduler needs. */
export interface SchedulerOptions {
  /** Called once per key when it comes due, earliest first. */
  onDue: (key: string) => void;
  clock?: Clock;
  timers?: TimerApi;
}

/**
 * One timer for every wait in the engine (group waits, repeats, escalations, retries): due times live
 * in a binary heap and a single `setTimeout` is armed for the earliest. Keys name the work
 * (`g:<group>`, `e:<incident>`, `d:<delivery>`), so pending work is data that survives a restart.
 */
export class Scheduler {
  private readonly heap = new TimerHeap();
  private readonly clock: Clock;
  private readonly timers: TimerApi;
  private readonly onDue: (key: string) => void;
  private handle: unknown;
  private armedAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(options: SchedulerOptions) {
    this.onDue = options.onDue;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.timers = options.timers ?? GLOBAL_TIMERS;
  }

  /** True between `stop` and `resume`. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Pending keys. */
  get size(): number {
    return this.heap.size;
  }

  /** The due time of a key, if pending. */
  dueAt(key: string): number | undefined {
    return this.heap.get(key);
  }

  /** Schedules (or moves) `key` to fire at `at` (ms since epoch). */
  schedule(key: string, at: number): void {
    this.heap.set(key, at);
    this.arm();
  }

  /** Schedules (or moves) many keys at once, arming the timer once (a restart's pending work). */
  scheduleMany(entries: Iterable<readonly [key: string, at: number]>): void {
    this.heap.setMany(entries);
    this.arm();
  }

  /** Cancels `key`; false when it was not pending. */
  cancel(key: string): boolean {
    const removed = this.heap.delete(key);
    // The armed timer may now be early; firing early is harmless (nothing is due), so no re-arm.
    return removed;
  }

  /** Fires everything due now; called by the armed timer, and usable directly in tests and benches. */
  runDue(): number {
    const now = this.clock.now();
    let fired = 0;
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      this.heap.pop();
      fired++;
      this.onDue(top.key);
    }
    return fired;
  }

  /** Stops the timer; pending keys stay (start again with `resume`). */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** Re-arms after `stop`. */
  resume(): void {
    this.stopped = false;
    this.arm();
  }

  private disarm(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap.peek();
    if (!top) return;
    if (this.handle !== undefined && top.at >= this.armedAt) return;
    this.disarm();
    const delay = Math.min(Math.max(0, top.at - this.clock.now()), MAX_DELAY);
    this.armedAt = top.at;
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.armedAt = Number.POSITIVE_INFINITY;
      this.runDue();
      this.arm();
    }, delay);
  }
}
