import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`; rejects when `signal` aborts (at once if it already has), with the signal's reason. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The real, abortable sleep (`node:timers/promises`). On abort it rejects with `signal.reason`
 * (an `AbortError` DOMException unless the caller gave `abort(reason)` one), so callers can tell a
 * cancellation from a failure.
 */
export const sleep: Sleep = async (ms, signal) => {
  try {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
};
