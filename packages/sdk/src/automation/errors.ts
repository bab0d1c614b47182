import { FieldopsError } from '../transport/errors.js';

/** What went wrong in the automation runner, a handler or the run recorder. */
export type AutomationErrorCode =
  | 'spec_invalid'
  | 'no_handler'
  | 'step_timeout'
  | 'cancelled'
  | 'handler_failed'
  | 'bundle_path_invalid'
  | 'bundle_invalid'
  | 'proxmox_failed'
  | 'command_failed'
  | 'health_check_failed'
  | 'gateway_client_unavailable'
  | 'registry_unavailable';

/**
 * The error of `@fieldops/sdk/automation`. Messages start with the package name and name the input
 * (step id, path component) that failed; they never carry secret values.
 */
export class AutomationError extends FieldopsError {
  override readonly name: string = 'AutomationError';
  /** Stable machine-readable code. */
  declare readonly code: AutomationErrorCode;
  /** HTTP status of the upstream answer, when there was one. */
  override readonly status: number | undefined;
  /** False when repeating the same attempt cannot help (bad input, cancellation). */
  readonly retryable: boolean;

  constructor(
    code: AutomationErrorCode,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(
      code,
      `@fieldops/sdk/automation: ${message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.status = options.status;
    this.retryable = options.retryable ?? true;
  }
}

/** A path component (project, date, run id, file name) that would leave the bundle or the KB root. */
export class BundlePathError extends AutomationError {
  override readonly name = 'BundlePathError';
  constructor(message: string) {
    super('bundle_path_invalid', message, { retryable: false });
  }
}

/** A step ran past its `timeout_s`. */
export class StepTimeoutError extends AutomationError {
  override readonly name = 'StepTimeoutError';
  constructor(stepId: string, timeoutMs: number) {
    super('step_timeout', `step ${stepId} timed out after ${timeoutMs} ms`);
  }
}

/** The run's AbortSignal fired. */
export class RunCancelledError extends AutomationError {
  override readonly name = 'RunCancelledError';
  constructor(message = 'run cancelled') {
    super('cancelled', message, { retryable: false });
  }
}

/** The code of any error: an AutomationError's code, another error's `code` string, or `error`. */
export function errorCode(error: unknown): string {
  if (error instanceof AutomationError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length <= 64 ? code : 'error';
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
