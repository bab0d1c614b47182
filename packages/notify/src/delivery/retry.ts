import type { ChannelFailure } from '../channels/channel.js';
import type { RandomSource } from '../types.js';

/** Retry settings in ms. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelay: number;
  maxDelay: number;
}

/** What to do after a failed attempt. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decides whether to retry a failed send, and when. `attempt` counts attempts made so far (≥ 1).
 * One place, so every channel retries the same way.
 */
export function decideRetry(
  failure: ChannelFailure,
  attempt: number,
  policy: RetryPolicy,
  random: RandomSource,
): RetryDecision {
  // A provider that says "this will never work" (4xx, bad number, auth) is not asked again.
  if (!failure.retryable) return { retry: false, reason: 'not retryable' };
  // Bounded: after max attempts the next channel in the chain gets its turn.
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  // The provider's own wait wins, but one longer than the cap means "fail over now" rather than
  // leaving the recipient uninformed for that long.
  if (failure.retry_after_ms !== undefined && failure.retry_after_ms > policy.maxDelay) {
    return { retry: false, reason: 'retry-after beyond the cap' };
  }
  // Exponential backoff with "equal jitter": half fixed, half random, capped.
  const exp = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (attempt - 1));
  const jittered = Math.round(exp / 2 + (random() * exp) / 2);
  return { retry: true, delayMs: Math.max(jittered, failure.retry_after_ms ?? 0) };
}
