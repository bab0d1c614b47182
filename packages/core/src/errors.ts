// One error base class for every fieldops package, with readonly typed fields; packages add small
// subclasses per category and callers branch on `instanceof` or `code`, never on message text.

/** What a FieldopsError carries besides its message. */
export interface FieldopsErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** HTTP status (or a protocol status mapped to one), when there is one. */
  status?: number | undefined;
  /** The server's request id, when it sent one. */
  requestId?: string | undefined;
}

/** Base class of every fieldops error; `code` is stable and machine-readable (`not_found`, `usage`). */
export class FieldopsError extends Error {
  override name = 'FieldopsError';
  /** Stable machine-readable code, e.g. `not_found`, `spool_full`. */
  readonly code: string;
  /** HTTP status (or a protocol status mapped to one); undefined when none applies. */
  readonly status: number | undefined;
  /** The server's request id, when it sent one. */
  readonly requestId: string | undefined;
  /** The error that caused this one. */
  declare readonly cause: unknown;
  constructor(code: string, message: string, options: FieldopsErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}
