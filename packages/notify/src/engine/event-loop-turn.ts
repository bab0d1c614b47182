// The engine's serial queue runs its tasks as a chain of promises: a burst of queued work (a bulk
// ingest, thousands of ingests in flight) never returns to the event loop, so timers and I/O wait
// until it is done. The engine lease's renewal is such a timer: under load a replica lost its lease
// to a standby while it was busy, not dead. This hands the loop a turn after a stretch of work.
// Only continuous work counts: time the queue sat idle (the event loop turned on its own) does not, so
// a task after a quiet spell starts at once instead of waiting a turn.
import { setImmediate as immediate } from 'node:timers/promises';

/** How long the queue works before it lets timers and I/O run (ms). */
export const WORK_SLICE_MS = 10;

/** Yields to the event loop (one `setImmediate`) once `sliceMs` of work has passed since the last turn. */
export class EventLoopTurn {
  /** When the current stretch of work began (the event loop's last turn). */
  private last = performance.now();
  /** A marker is waiting for the event loop's next turn (one per stretch, not one per task). */
  private marked = false;
  private readonly turned = (): void => {
    this.marked = false;
    this.last = performance.now();
  };

  constructor(private readonly sliceMs = WORK_SLICE_MS) {}

  /** Resolves at once within the slice; otherwise after timers and I/O had a turn. */
  yieldIfDue(): Promise<void> | undefined {
    if (!this.marked) {
      // The loop turns when this stretch of work ends (or yields): the next stretch starts then.
      this.marked = true;
      setImmediate(this.turned);
    }
    if (performance.now() - this.last < this.sliceMs) return undefined;
    return immediate().then(this.turned);
  }
}
