/** A pino-compatible logger: one structured object per line, an optional message. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default). */
export const NOOP_LOGGER: Logger = { info() {}, warn() {}, error() {}, debug() {} };
