// The one logger type of fieldops. pino's `Logger` satisfies it as is (`logger.info({ ...fields }, 'msg')`),
// so a service passes its pino instance and a library stays silent when given none.

/** The fields of one structured log line (any object; pino serialises it). */
export type LogFields = object;

/** One level of a pino-compatible logger: structured fields first, an optional message second. */
export type LogFn = (fields: LogFields, msg?: string) => void;

/** A pino-compatible logger: one structured object per line, an optional message. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that drops every line: the default of every fieldops library. */
export const noopLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
