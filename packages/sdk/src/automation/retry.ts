import type { automation } from '@fieldops/contracts';
import { RunCancelledError } from './errors.js';

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export function buildBackoffMs(policy: automation.RetryPolicy | undefined, attempt: number): number {
  const base = (policy?.backoff_s ?? 0) * 1000;
  if (base === 0) return 0;
  // Exponential from the step's base, capped: 30 s, 60 s, 120 s … up to max_backoff_s (default 10 × base).
  const cap = (policy?.max_backoff_s ?? (policy?.backoff_s ?? 0) * 10) * 1000;
  return Math.min(base * 2 ** (attempt - 1), cap);
}

/** How many attempts a step gets. */
export function maxAttempts(policy: automation.RetryPolicy | undefined): number {
  return policy?.max_attempts ?? 1;
}

/** Sleeps `ms`, or rejects with RunCancelledError when `signal` fires first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RunCancelledError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunCancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
