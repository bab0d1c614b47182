// When a ChirpStack call may be repeated (the gRPC verdict); attempts and waits follow
// @fieldops/core's one retry policy.
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy, retryPolicy } from '@fieldops/core';
import { GrpcStatus } from './grpc-status.js';

/** How a client retries: @fieldops/core's policy, any field left out takes the ChirpStack default. */
export interface RetryOptions extends Partial<RetryPolicy> {
  /** @deprecated Use `maxAttempts`. Attempts in all, the first included. */
  attempts?: number;
}

/** The ChirpStack defaults: 4 attempts, 100 ms doubling up to 2 s, full jitter. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 100,
  maxDelayMs: 2000,
});

/** The full policy of a client from its options (`attempts` still read as `maxAttempts`). */
export function chirpstackRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const { attempts, ...rest } = options;
  return retryPolicy(
    { ...(attempts !== undefined ? { maxAttempts: attempts } : {}), ...rest },
    DEFAULT_RETRY,
  );
}

/**
 * Whether a failed attempt is worth another one. Only UNAVAILABLE: the server never started the
 * call (connection refused, overload, shutting down). DEADLINE_EXCEEDED is not retried because a
 * mutating call may have happened; the reconciler's next plan sees the result either way.
 */
export function isRetryableGrpc(status: number | undefined): boolean {
  return status === GrpcStatus.UNAVAILABLE;
}

/** @deprecated Use `isRetryableGrpc` with `decideRetry` from @fieldops/core. */
export function shouldRetry(status: number | undefined, attempt: number, attempts: number): boolean {
  return isRetryableGrpc(status) && attempt < attempts;
}

/** Exponential backoff with full jitter, capped: `random() * min(max, base * 2^(attempt-1))`. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  return backoffDelayMs(attempt, { ...options, jitter: 'full' }, random);
}
