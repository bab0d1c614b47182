/** Stable machine-readable codes of every NotifyError. */
export type NotifyErrorCode =
  | 'config_invalid'
  | 'secret_unresolved'
  | 'delivery_failed'
  | 'unknown_ack_code'
  | 'engine_stopped'
  | 'webhook_invalid'
  | 'input_invalid'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'ack_forbidden'
  | 'lease_lost'
  | 'store_failed';

/** The one error base class of @fieldops/notify; messages start with `@fieldops/notify:`. */
export class NotifyError extends Error {
  override readonly name: string = 'NotifyError';
  /** Stable machine-readable code. */
  readonly code: NotifyErrorCode;
  /** HTTP status of the provider answer behind the error, when there was one. */
  readonly status: number | undefined;
  /** Provider request id, when the provider sent one. */
  readonly requestId: string | undefined;

  constructor(
    code: NotifyErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; requestId?: string } = {},
  ) {
    super(`@fieldops/notify: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

/** A configuration that cannot work: names the field that failed. */
export class NotifyConfigError extends NotifyError {
  override readonly name = 'NotifyConfigError';
  constructor(message: string, cause?: unknown) {
    super('config_invalid', message, { cause });
  }
}

/** A secret reference that could not be resolved (the message names the reference, never a value). */
export class NotifySecretError extends NotifyError {
  override readonly name = 'NotifySecretError';
  constructor(message: string, cause?: unknown) {
    super('secret_unresolved', message, { cause });
  }
}

/** An acknowledgement whose code matches no incident. */
export class NotifyAckError extends NotifyError {
  override readonly name = 'NotifyAckError';
  constructor(message: string) {
    super('unknown_ack_code', message);
  }
}

/** An acknowledgement refused: it came from an address never notified for that incident. */
export class NotifyAckForbiddenError extends NotifyError {
  override readonly name = 'NotifyAckForbiddenError';
  constructor(message: string) {
    super('ack_forbidden', message);
  }
}

/** A write refused because this replica no longer holds the engine lease (another one took over). */
export class NotifyLeaseLostError extends NotifyError {
  override readonly name = 'NotifyLeaseLostError';
  constructor(message: string) {
    super('lease_lost', message);
  }
}

/** The store could not be opened or written (the cause says why; no document content is quoted). */
export class NotifyStoreError extends NotifyError {
  override readonly name = 'NotifyStoreError';
  constructor(message: string, cause?: unknown) {
    super('store_failed', message, { cause });
  }
}
