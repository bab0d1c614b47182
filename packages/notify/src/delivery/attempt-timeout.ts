// Every channel attempt is bounded: a provider that sends headers and then trickles must not hold a
// delivery (and `engine.stop()`) for minutes. The attempt is aborted and counts as a failed attempt.

import type { Message } from '@fieldops/contracts/notify/v1';
import type { Channel, SendResult } from '../channels/channel.js';
import type { TimerApi } from '../types.js';

/** The default bound on one channel attempt: 10 s. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

/** Sends with a deadline; tracks in-flight attempts so they can all be aborted at once. */
export class AttemptRunner {
  private readonly live = new Set<AbortController>();

  constructor(
    private readonly timeoutMs: number,
    private readonly timers: TimerApi,
  ) {}

  /**
   * Runs `channel.send` with an AbortSignal; after `timeoutMs` (or `abortAll`) the signal fires and
   * the attempt resolves as a retryable failure (`timeout` or `aborted`), whether or not the channel
   * honours the signal.
   */
  async send(channel: Channel, message: Message, idempotencyKey?: string): Promise<SendResult> {
    const controller = new AbortController();
    this.live.add(controller);
    let handle: unknown;
    const stopped = new Promise<SendResult>((resolve) => {
      const fail = (code: 'timeout' | 'aborted', why: string) =>
        resolve({ ok: false, retryable: true, code, message: `${channel.kind}: ${why}` });
      handle = this.timers.setTimeout(() => {
        fail('timeout', `attempt timed out after ${this.timeoutMs} ms`);
        controller.abort(new Error('attempt timed out'));
      }, this.timeoutMs);
      controller.signal.addEventListener('abort', () =>
        fail('aborted', 'attempt aborted: the engine is stopping'),
      );
    });
    try {
      return await Promise.race([
        channel.send(message, {
          signal: controller.signal,
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        }),
        stopped,
      ]);
    } finally {
      this.timers.clearTimeout(handle);
      this.live.delete(controller);
    }
  }

  /** Aborts every attempt in flight (`engine.stop()`). */
  abortAll(): void {
    for (const c of this.live) c.abort(new Error('engine stopping'));
  }
}
