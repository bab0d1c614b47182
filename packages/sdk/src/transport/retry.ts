// When to repeat a request and how long to wait: pure functions, so the rules are tested without
// a clock or a network.

/** Retry settings of a client. */
export interface RetryOptions {
  /** Attempts in total, the first included (1 = never retry). */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles on each attempt. */
  baseDelayMs: number;
  /** Upper bound of the exponential backoff. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown instead. */
  maxRetryAfterMs: number;
}

/** The defaults: 4 attempts, 200 ms doubling up to 10 s, honour Retry-After up to 60 s. */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** What the retry decision looks at after one attempt. */
export interface AttemptOutcome {
  /** 1-based number of the attempt that just ended. */
  attempt: number;
  maxAttempts: number;
  /** The contract says the operation may be repeated (idempotent method or Idempotency-Key honoured). */
  idempotent: boolean;
  /** HTTP status, or undefined when no response arrived (network error, timeout). */
  status?: number | undefined;
  /** `error.code` of the contract's error body, when there was one. */
  errorCode?: string | undefined;
  /** Delay the server asked for with Retry-After, in ms. */
  retryAfterMs?: number | undefined;
  maxRetryAfterMs: number;
  /** The caller aborted: never retry. */
  aborted?: boolean;
}

/** Decides whether to send the request again. */
export function shouldRetry(o: AttemptOutcome): boolean {
  // The caller gave up.
  if (o.aborted) return false;
  // Out of attempts.
  if (o.attempt >= o.maxAttempts) return false;
  // Repeating a request that is not safe to repeat could apply it twice (a PATCH without a key).
  if (!o.idempotent) return false;
  // The server asked us to wait longer than we are willing to: surface the error to the caller.
  if (o.retryAfterMs !== undefined && o.retryAfterMs > o.maxRetryAfterMs) return false;
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

/**
 * The wait before the next attempt: the server's Retry-After when it sent one, else exponential
 * backoff with "equal jitter" (half fixed, half random) so many clients do not retry in step.
 */
export function retryDelayMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
