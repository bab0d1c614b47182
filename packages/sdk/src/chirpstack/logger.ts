// The logger type is @fieldops/core's; these names stay for existing imports.
import { type Logger, noopLogger } from '@fieldops/core';

export type { Logger };

/** @deprecated Use `noopLogger` from @fieldops/core. */
export const NOOP_LOGGER: Logger = noopLogger;
