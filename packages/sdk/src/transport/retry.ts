// When an HTTP call may be repeated: the HTTP-specific verdict lives here; how many attempts and how
// long to wait is @fieldops/core's one retry policy (`decideRetry`), shared by every fieldops client.
import { backoffDelayMs, DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from '@fieldops/core';

export { parseRetryAfter } from '@fieldops/core';

/** @deprecated The retry settings are `RetryPolicy` from @fieldops/core. */
export type RetryOptions = RetryPolicy;

/** The defaults of the HTTP clients: @fieldops/core's (4 attempts, 200 ms doubling to 10 s, full jitter, Retry-After up to 60 s). */
export const DEFAULT_RETRY: RetryPolicy = DEFAULT_RETRY_POLICY;

/** What the HTTP verdict looks at after one attempt. */
export interface HttpAttempt {
  /** The contract says the operation may be repeated (idempotent method or Idempotency-Key honoured). */
  idempotent: boolean;
  /** HTTP status, or undefined when no response arrived (network error, timeout). */
  status?: number | undefined;
  /** `error.code` of the contract's error body, when there was one. */
  errorCode?: string | undefined;
}

/** Whether a failed HTTP attempt is worth repeating (transient, and safe to repeat). */
export function isRetryableHttp(o: HttpAttempt): boolean {
  // Repeating a request that is not safe to repeat could apply it twice (a PATCH without a key).
  if (!o.idempotent) return false;
  // No response at all (refused, reset, timed out): the request may or may not have arrived; safe
  // to repeat because the operation is idempotent.
  if (o.status === undefined) return true;
  // Rate limited: come back later.
  if (o.status === 429) return true;
  // A request with the same Idempotency-Key is still in flight (after a timeout): wait for it.
  if (o.status === 409 && o.errorCode === 'idempotency_key_in_use') return true;
  // Overloaded, restarting or a proxy in between failed.
  if (o.status === 502 || o.status === 503 || o.status === 504) return true;
  // An internal error may be transient; the request is idempotent, so trying again is harmless.
  if (o.status === 500) return true;
  // Every other status is the answer (4xx are the caller's to fix).
  return false;
}

/** What {@link shouldRetry} looks at after one attempt. */
export interface AttemptOutcome extends HttpAttempt {
  /** 1-based number of the attempt that just ended. */
  attempt: number;
  maxAttempts: number;
  /** Delay the server asked for with Retry-After, in ms. */
  retryAfterMs?: number | undefined;
  maxRetryAfterMs: number;
  /** The caller aborted: never retry. */
  aborted?: boolean;
}

/** Decides whether to send the request again: the HTTP verdict, then the shared policy's limits. */
export function shouldRetry(o: AttemptOutcome): boolean {
  const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: o.maxAttempts, maxRetryAfterMs: o.maxRetryAfterMs };
  return decideRetry(
    { attempt: o.attempt, retryable: isRetryableHttp(o), retryAfterMs: o.retryAfterMs, aborted: o.aborted },
    policy,
  ).retry;
}

/** @deprecated Use `decideRetry` / `backoffDelayMs` from @fieldops/core. The wait before the next attempt. */
export function retryDelayMs(
  attempt: number,
  options: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'> & Partial<Pick<RetryPolicy, 'jitter'>>,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  return backoffDelayMs(attempt, { jitter: DEFAULT_RETRY_POLICY.jitter, ...options }, random);
}
