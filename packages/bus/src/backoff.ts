import { backoffDelayMs, type RetryPolicy, sleep } from '@fieldops/core';

/** The back-off part of the shared retry policy: ceiling doubling from `baseDelayMs` to `maxDelayMs`, jittered. */
export type BackoffPolicy = Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'jitter'>;

/** The bus default: 100 ms doubling to 10 s, equal jitter (never less than half the ceiling). */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 10_000, jitter: 'equal' };

/** The delay before retry `attempt` (1 = first retry) under `policy`. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return backoffDelayMs(attempt, policy);
}

/** Sleeps `ms`; resolves early, without error, when `signal` aborts (a stop or a wake-up). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, signal).catch(() => {});
}
