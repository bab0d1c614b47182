import { type Clock, systemClock } from '@fieldops/core';

/**
 * The date source of code that still accepts the older `now` option next to core's `Clock`: the
 * clock wins, then `now`, then the system clock. Internal: the public option is `clock`.
 */
export function dateSource(options: { clock?: Clock; now?: () => Date }): () => Date {
  const { clock, now } = options;
  if (clock) return () => new Date(clock.now());
  return now ?? (() => new Date(systemClock.now()));
}

/** The same for code whose older option was milliseconds (`now: () => number`). */
export function clockOf(options: { clock?: Clock; now?: () => number }): Clock {
  if (options.clock) return options.clock;
  const now = options.now;
  return now ? { now } : systemClock;
}

/** A Clock for code whose older option was a date source (`now: () => Date`): the clock wins. */
export function clockOfDates(options: { clock?: Clock; now?: () => Date }): Clock {
  if (options.clock) return options.clock;
  const now = options.now;
  return now ? { now: () => now().getTime() } : systemClock;
}
