// The one logger type of fieldops. pino's `Logger` satisfies it as is (`logger.info({ ...fields }, 'msg')`),
// so a service passes its pino instance and a library stays silent when given none.

/** The fields of one structured log line (any object; pino serialises it). */
export type LogFields = object;

/**
 * A pino-compatible logger: one structured object per line, an optional message. Methods (not
 * function properties) on purpose: a logger typed `(obj: Record<string, unknown>) => void` still fits.
 */
export interface Logger {
  debug(fields: LogFields, msg?: string): void;
  info(fields: LogFields, msg?: string): void;
  warn(fields: LogFields, msg?: string): void;
  error(fields: LogFields, msg?: string): void;
}

/** A logger that drops every line: the default of every fieldops library. */
export const noopLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
