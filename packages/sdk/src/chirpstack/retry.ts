import { status as GrpcStatus } from '@grpc/grpc-js';

/** How a client retries. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** First backoff in ms (default 100). */
  baseDelayMs?: number;
  /** Cap of one backoff in ms (default 2000). */
  maxDelayMs?: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };

/**
 * Whether a failed attempt is worth another one. Only UNAVAILABLE: the server never started the
 * call (connection refused, overload, shutting down). DEADLINE_EXCEEDED is not retried because a
 * mutating call may have happened; the reconciler's next plan sees the result either way.
 */
export function shouldRetry(status: number | undefined, attempt: number, attempts: number): boolean {
  return status === GrpcStatus.UNAVAILABLE && attempt < attempts;
}

/** Exponential backoff with full jitter, capped: `random() * min(max, base * 2^(attempt-1))`. */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
