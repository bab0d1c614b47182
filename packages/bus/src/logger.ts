/**
 * The pino-compatible logger shape the bus writes to (object first, then message). Kept minimal so it
 * is swapped for `@fieldops/core`'s Logger without changes at call sites.
 */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything: libraries stay silent unless given a logger. */
export const noopLogger: BusLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
