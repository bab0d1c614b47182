import { FieldopsError } from '../transport/errors.js';
import { GrpcStatus } from './grpc-status.js';

/** Codes of {@link ChirpStackError}: one per gRPC status we map, plus our own. */
export type ChirpStackErrorCode =
  | 'not_found'
  | 'already_exists'
  | 'unauthenticated'
  | 'permission_denied'
  | 'invalid_argument'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'read_only'
  | 'failed_precondition'
  | 'internal'
  | 'unknown';

/** Base class of every error of the ChirpStack client and reconciler. */
export class ChirpStackError extends FieldopsError {
  override readonly name: string = 'ChirpStackError';
  /** Stable machine-readable code. */
  declare readonly code: ChirpStackErrorCode;
  /** The gRPC status code, when the error came from the server. */
  override readonly status: number | undefined;
  /** The RPC (`DeviceService/Create`) that failed, when there was one. */
  readonly operation: string | undefined;
  /** Kept for `instanceof` checks across bundles; the message never holds secret values. */
  override readonly requestId: string | undefined = undefined;

  constructor(
    code: ChirpStackErrorCode,
    message: string,
    options: { status?: number; operation?: string; cause?: unknown } = {},
  ) {
    super(
      code,
      message.startsWith('@fieldops/sdk')
        ? message
        : `@fieldops/sdk/chirpstack: ${message.replace(/^chirpstack: /, '')}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.status = options.status;
    this.operation = options.operation;
  }
}

/** The entity does not exist (gRPC NOT_FOUND, 5). */
export class ChirpStackNotFoundError extends ChirpStackError {
  override readonly name = 'ChirpStackNotFoundError';
}
/** The entity exists already (gRPC ALREADY_EXISTS, 6). */
export class ChirpStackAlreadyExistsError extends ChirpStackError {
  override readonly name = 'ChirpStackAlreadyExistsError';
}
/** No or a bad API token (gRPC UNAUTHENTICATED, 16). */
export class ChirpStackUnauthenticatedError extends ChirpStackError {
  override readonly name: string = 'ChirpStackUnauthenticatedError';
}
/**
 * UNAUTHENTICATED with an empty message: ChirpStack's request validator found no row that lets this
 * API key reach the entity (api/auth/validator.rs:61-67 at v4.19.0). For a tenant key that means
 * "does not exist, or belongs to another tenant"; only an admin key sees NOT_FOUND.
 */
export class ChirpStackNotVisibleError extends ChirpStackUnauthenticatedError {
  override readonly name = 'ChirpStackNotVisibleError';
}
/** The token may not do this (gRPC PERMISSION_DENIED, 7). */
export class ChirpStackPermissionDeniedError extends ChirpStackError {
  override readonly name = 'ChirpStackPermissionDeniedError';
}
/** The server rejected the input (gRPC INVALID_ARGUMENT, 3). */
export class ChirpStackInvalidArgumentError extends ChirpStackError {
  override readonly name = 'ChirpStackInvalidArgumentError';
}
/** The server could not be reached or is overloaded (gRPC UNAVAILABLE, 14); retried with backoff. */
export class ChirpStackUnavailableError extends ChirpStackError {
  override readonly name = 'ChirpStackUnavailableError';
}
/** The call's deadline passed (gRPC DEADLINE_EXCEEDED, 4). */
export class ChirpStackDeadlineExceededError extends ChirpStackError {
  override readonly name = 'ChirpStackDeadlineExceededError';
}
/** A mutating call on a client created with `readOnly: true`; it never left the process. */
export class ChirpStackReadOnlyError extends ChirpStackError {
  override readonly name = 'ChirpStackReadOnlyError';
}

const BY_STATUS: Record<number, [ChirpStackErrorCode, typeof ChirpStackError]> = {
  [GrpcStatus.NOT_FOUND]: ['not_found', ChirpStackNotFoundError],
  [GrpcStatus.ALREADY_EXISTS]: ['already_exists', ChirpStackAlreadyExistsError],
  [GrpcStatus.UNAUTHENTICATED]: ['unauthenticated', ChirpStackUnauthenticatedError],
  [GrpcStatus.PERMISSION_DENIED]: ['permission_denied', ChirpStackPermissionDeniedError],
  [GrpcStatus.INVALID_ARGUMENT]: ['invalid_argument', ChirpStackInvalidArgumentError],
  [GrpcStatus.UNAVAILABLE]: ['unavailable', ChirpStackUnavailableError],
  [GrpcStatus.DEADLINE_EXCEEDED]: ['deadline_exceeded', ChirpStackDeadlineExceededError],
  [GrpcStatus.FAILED_PRECONDITION]: ['failed_precondition', ChirpStackError],
  [GrpcStatus.INTERNAL]: ['internal', ChirpStackError],
};

/** Maps a gRPC error (`{ code, details }`) to its typed error; anything else becomes `unknown`. */
export function errorFromGrpc(error: unknown, operation: string): ChirpStackError {
  if (error instanceof ChirpStackError) return error;
  const code = (error as { code?: unknown })?.code;
  const details = (error as { details?: unknown })?.details;
  const text = typeof details === 'string' && details ? details : String((error as Error)?.message ?? error);
  if (code === GrpcStatus.UNAUTHENTICATED && details === '')
    return new ChirpStackNotVisibleError(
      'unauthenticated',
      `chirpstack: ${operation} failed: the API key may not access this entity, or it does not exist (UNAUTHENTICATED with no message)`,
      { status: code, operation, cause: error },
    );
  if (typeof code === 'number') {
    const [name, Class] = BY_STATUS[code] ?? ['unknown', ChirpStackError];
    return new Class(name, `chirpstack: ${operation} failed: ${text}`, {
      status: code,
      operation,
      cause: error,
    });
  }
  return new ChirpStackError('unknown', `chirpstack: ${operation} failed: ${text}`, {
    operation,
    cause: error,
  });
}

/** True for a {@link ChirpStackError} (works across duplicated bundles by name). */
export function isChirpStackError(error: unknown): error is ChirpStackError {
  return error instanceof ChirpStackError;
}

/**
 * True when a create failed because the key exists. ChirpStack 4.19 answers a unique-constraint
 * violation as INTERNAL "duplicate key value violates unique constraint" (its storage/error.rs maps
 * only NotFound out of database errors); ALREADY_EXISTS is accepted too for servers or proxies that
 * use it. Either way the entity may exist: re-read it and adopt it.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (error instanceof ChirpStackAlreadyExistsError) return true;
  return (
    error instanceof ChirpStackError &&
    error.code === 'internal' &&
    /duplicate key value violates unique constraint/i.test(error.message)
  );
}

/**
 * True when a write's outcome is unknown: the request was sent and the reply was lost
 * (UNAVAILABLE, DEADLINE_EXCEEDED). The change may have been committed; a create must not simply
 * be sent again (that makes a second application or tenant with the same name).
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof ChirpStackUnavailableError || error instanceof ChirpStackDeadlineExceededError;
}

/**
 * True for ChirpStack's answer to an entity the API key may not see: UNAUTHENTICATED with an empty
 * message (api/auth/validator.rs:61-67 at v4.19.0). A tenant key gets it for an entity that does not
 * exist as well as for one of another tenant; only an admin key gets NOT_FOUND.
 */
export function isNotVisibleError(error: unknown): error is ChirpStackNotVisibleError {
  return error instanceof ChirpStackNotVisibleError;
}
