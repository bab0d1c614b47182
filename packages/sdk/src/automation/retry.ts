import type { automation } from '@fieldops/contracts';
import { backoffDelayMs, type Sleep, sleep } from '@fieldops/core';
import { RunCancelledError } from './errors.js';

export type { Sleep };

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export function buildBackoffMs(policy: automation.RetryPolicy | undefined, attempt: number): number {
  const base = (policy?.backoff_s ?? 0) * 1000;
  if (base === 0) return 0;
  // Exponential from the step's base, capped: 30 s, 60 s, 120 s … up to max_backoff_s (default 10 × base).
  const cap = (policy?.max_backoff_s ?? (policy?.backoff_s ?? 0) * 10) * 1000;
  return backoffDelayMs(attempt, { baseDelayMs: base, maxDelayMs: cap, jitter: 'none' });
}

/** How many attempts a step gets. */
export function maxAttempts(policy: automation.RetryPolicy | undefined): number {
  return policy?.max_attempts ?? 1;
}

/** The real sleep (@fieldops/core's, on `node:timers/promises`); rejects with RunCancelledError on abort. */
export const defaultSleep: Sleep = (ms, signal) =>
  sleep(ms, signal).catch((error: unknown) => {
    throw signal?.aborted ? new RunCancelledError() : error;
  });
