// The one retry policy of fieldops: how many attempts, how long to wait, how much jitter, and when a
// server's Retry-After wins. The decision is a pure function (no clock, no timers), so every rule is
// tested without waiting; the client decides what counts as retryable, this module decides the rest.

/**
 * How the backoff is randomised so many clients do not retry in step:
 * - `full`: a uniformly random wait in `[0, ceiling]` (AWS "full jitter");
 * - `equal`: half the ceiling fixed, the other half random: `[ceiling / 2, ceiling]`;
 * - `none`: exactly the ceiling.
 * The ceiling is `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`.
 */
export type Jitter = 'full' | 'equal' | 'none';

/** Retry settings shared by every fieldops client. */
export interface RetryPolicy {
  /** Attempts in total, the first included (1 = never retry). */
  maxAttempts: number;
  /** Ceiling of the wait before the second attempt; doubles on each further attempt. */
  baseDelayMs: number;
  /** Upper bound of the ceiling. */
  maxDelayMs: number;
  /** How the wait is randomised below the ceiling. */
  jitter: Jitter;
  /** A Retry-After longer than this is not waited for: the failure is returned instead. */
  maxRetryAfterMs: number;
}

/** The defaults: 4 attempts, 200 ms doubling up to 10 s, full jitter, Retry-After honoured up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  jitter: 'full',
  maxRetryAfterMs: 60_000,
});

/** A full policy from partial settings (missing fields from `base`); `false` means a single attempt. */
export function retryPolicy(
  settings?: Partial<RetryPolicy> | false,
  base: RetryPolicy = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  if (settings === false) return { ...base, maxAttempts: 1 };
  const policy = { ...base, ...settings };
  for (const key of ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const value = policy[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new RangeError(`@fieldops/core: retry.${key} must be a number ≥ 0, got ${String(value)}`);
    }
  }
  if (policy.maxAttempts < 1) throw new RangeError('@fieldops/core: retry.maxAttempts must be ≥ 1');
  if (!['full', 'equal', 'none'].includes(policy.jitter)) {
    throw new RangeError(
      `@fieldops/core: retry.jitter must be full, equal or none, got ${String(policy.jitter)}`,
    );
  }
  return policy;
}

/** The backoff before attempt `attempt + 1` (`attempt` ≥ 1 is the attempt that just failed), in ms. */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'jitter'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  if (policy.jitter === 'none') return ceiling;
  if (policy.jitter === 'equal') return Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.round(random() * ceiling);
}

/** What the decision looks at after one failed attempt. */
export interface RetryInput {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** The client's verdict: repeating could succeed and is safe (idempotent, transient failure). */
  retryable: boolean;
  /** The wait the server asked for (Retry-After), in ms. */
  retryAfterMs?: number | undefined;
  /** The caller aborted. */
  aborted?: boolean | undefined;
}

/** Why no further attempt is made. */
export type NoRetryReason = 'aborted' | 'not_retryable' | 'attempts_exhausted' | 'retry_after_too_long';

/** Retry after `delayMs`, or stop for `reason`. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: NoRetryReason };

/** Decides whether to try again after a failed attempt, and after how long. */
export function decideRetry(
  input: RetryInput,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  // The caller gave up: nothing more is wanted.
  if (input.aborted) return { retry: false, reason: 'aborted' };
  // The client knows the failure is final (a 4xx, a bad number) or repeating is unsafe (no key).
  if (!input.retryable) return { retry: false, reason: 'not_retryable' };
  // Bounded: the caller gets the failure after maxAttempts.
  if (input.attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  // The server asked for a longer wait than we accept: surface the failure (or fail over) now.
  const after = input.retryAfterMs;
  if (after !== undefined && after > policy.maxRetryAfterMs)
    return { retry: false, reason: 'retry_after_too_long' };
  // The server's Retry-After replaces the backoff: it knows when it will be ready (as stripe-node does).
  if (after !== undefined) return { retry: true, delayMs: Math.max(0, after) };
  return { retry: true, delayMs: backoffDelayMs(input.attempt, policy, random) };
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into ms from `nowMs`; undefined if absent or bad. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
