import type { Clock } from '@fieldops/core';

/** The date source of options that take core's `clock` and the deprecated `now`: the clock wins. */
export function dateSource(options: {
  clock?: Clock | undefined;
  now?: (() => Date) | undefined;
}): () => Date {
  const { clock, now } = options;
  if (clock) return () => new Date(clock.now());
  return now ?? (() => new Date());
}
