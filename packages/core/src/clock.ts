// Time is injected, never read from globals inside the logic, so tests run on a fake clock.

/** Milliseconds since the epoch. Pass a fake in tests; the default is {@link systemClock}. */
export interface Clock {
  now(): number;
}

/** The real clock: `Date.now()`, looked up at call time so fake timers apply. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A Clock from whatever a caller has: a Clock, a `() => number`, or nothing (the system clock). */
export function toClock(source?: Clock | (() => number) | undefined): Clock {
  if (source === undefined) return systemClock;
  if (typeof source === 'function') return { now: source };
  return source;
}
