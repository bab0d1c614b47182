// Concurrent ingests share a queue task (decision 0054). A bus consumer or an HTTP server hands the
// engine many ingests at once; as one task each, every one cost its own promises on the queue, its own
// seal and its own wait for the batch. Here an ingest joins the task at the tail of the queue while
// that task has not started and nothing was queued after it, so the order of operations is kept: an
// ingest never runs before an operation that was queued before it. Each caller is still answered on
// its own: with its result once the task's writes are in the store, or with its own error.
import type { EventLoopTurn } from './event-loop-turn.js';

/** One caller's input and how to answer it. */
interface Waiting<In, Out> {
  readonly input: In;
  resolve(value: Out): void;
  reject(err: unknown): void;
}

/** What one input came to: its result or its error. */
type Outcome<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

/** Options of {@link Coalescer}. */
export interface CoalescerOptions<In, Out> {
  /** Queues a task on the engine's serial queue; resolves once its writes are stored. */
  run<T>(fn: () => Promise<T> | T): Promise<T>;
  /** The engine's event-loop turn: a long task still lets timers and I/O run. */
  turn: EventLoopTurn;
  /** Handles one input inside the task (synchronously when it can). */
  each(input: In): Out | Promise<Out>;
  /**
   * Inputs per task at most (default {@link MAX_COALESCED}): a task's writes are stored, and its
   * callers answered, together, so a flood of requests is cut into tasks of this size.
   */
  maxPerTask?: number;
}

/** Inputs one task takes at most unless told otherwise. */
export const MAX_COALESCED = 1_000;

/** Coalesces calls made while a task waits at the tail of the queue into that task. */
export class Coalescer<In, Out> {
  /** The inputs of the task at the tail of the queue, while it can take more. */
  private open: Waiting<In, Out>[] | undefined;

  constructor(private readonly options: CoalescerOptions<In, Out>) {}

  /** Another operation was queued: later inputs go in a new task, after it. */
  close(): void {
    this.open = undefined;
  }

  /** Handles `input` in the open task, or in a new one at the tail of the queue. */
  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      const waiting: Waiting<In, Out> = { input, resolve, reject };
      const open = this.open;
      if (open) {
        open.push(waiting);
        if (open.length >= (this.options.maxPerTask ?? MAX_COALESCED)) this.open = undefined;
        return;
      }
      const batch = [waiting];
      this.options
        .run(() => {
          // Started: what comes now waits for the next task.
          if (this.open === batch) this.open = undefined;
          return this.handle(batch);
        })
        .then(
          (outcomes) => {
            for (let i = 0; i < batch.length; i++) {
              const o = outcomes[i] as Outcome<Out>;
              const w = batch[i] as Waiting<In, Out>;
              if (o.ok) w.resolve(o.value);
              else w.reject(o.error);
            }
          },
          // The task's writes did not reach the store: nobody is answered as if they had.
          (err: unknown) => {
            for (const w of batch) w.reject(err);
          },
        );
      // After run(): queueing this task closed the previous open one.
      if ((this.options.maxPerTask ?? MAX_COALESCED) > 1) this.open = batch;
    });
  }

  /** Each input in order; synchronous while every input is and no turn of the event loop is due. */
  private handle(batch: readonly Waiting<In, Out>[]): Outcome<Out>[] | Promise<Outcome<Out>[]> {
    const out: Outcome<Out>[] = [];
    for (let i = 0; i < batch.length; i++) {
      const turn = this.options.turn.yieldIfDue();
      if (turn) return turn.then(() => this.handleRest(batch, i, out));
      let r: Out | Promise<Out>;
      try {
        r = this.options.each((batch[i] as Waiting<In, Out>).input);
      } catch (error) {
        out.push({ ok: false, error });
        continue;
      }
      if (r instanceof Promise) {
        return r
          .then(
            (value) => {
              out.push({ ok: true, value });
            },
            (error: unknown) => {
              out.push({ ok: false, error });
            },
          )
          .then(() => this.handleRest(batch, i + 1, out));
      }
      out.push({ ok: true, value: r });
    }
    return out;
  }

  /** The rest of the inputs from `from`, once one had to wait (a turn of the event loop, an async input). */
  private async handleRest(
    batch: readonly Waiting<In, Out>[],
    from: number,
    out: Outcome<Out>[],
  ): Promise<Outcome<Out>[]> {
    for (let i = from; i < batch.length; i++) {
      const turn = this.options.turn.yieldIfDue();
      if (turn) await turn;
      try {
        // An await only for an input that needs one (most complete synchronously).
        const r = this.options.each((batch[i] as Waiting<In, Out>).input);
        out.push({ ok: true, value: r instanceof Promise ? await r : r });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }
}
