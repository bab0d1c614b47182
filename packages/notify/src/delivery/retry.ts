import { decideRetry as decide, type Jitter, type NoRetryReason } from '@fieldops/core';
import type { ChannelFailure } from '../channels/channel.js';
import type { RandomSource } from '../types.js';

/** Retry settings in ms (the `retry` block of the notify config). */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelay: number;
  maxDelay: number;
  /** How the backoff is randomised (@fieldops/core's `Jitter`); notify's default is `equal`. */
  jitter?: Jitter;
}

/** What to do after a failed attempt. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

const REASONS: Record<NoRetryReason, string> = {
  aborted: 'aborted',
  not_retryable: 'not retryable',
  attempts_exhausted: 'attempts exhausted',
  retry_after_too_long: 'retry-after beyond the cap',
};

/**
 * Decides whether to retry a failed send, and when: @fieldops/core's policy, so every channel (and
 * every sdk client) retries the same way. `attempt` counts attempts made so far (≥ 1). A provider
 * that says "this will never work" is not asked again; a Retry-After longer than `maxDelay` means
 * "fail over now" rather than leaving the recipient uninformed for that long.
 */
export function decideRetry(
  failure: ChannelFailure,
  attempt: number,
  policy: RetryPolicy,
  random: RandomSource,
): RetryDecision {
  const decision = decide(
    { attempt, retryable: failure.retryable, retryAfterMs: failure.retry_after_ms },
    {
      maxAttempts: policy.maxAttempts,
      baseDelayMs: policy.baseDelay,
      maxDelayMs: policy.maxDelay,
      jitter: policy.jitter ?? 'equal',
      maxRetryAfterMs: policy.maxDelay,
    },
    random,
  );
  return decision.retry ? decision : { retry: false, reason: REASONS[decision.reason] };
}
