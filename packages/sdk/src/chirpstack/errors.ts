import { status as GrpcStatus } from '@grpc/grpc-js';
import { FieldopsError } from '../transport/errors.js';

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
  override readonly name = 'ChirpStackUnauthenticatedError';
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
