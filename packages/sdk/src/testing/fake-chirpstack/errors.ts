import { GrpcStatus as status } from '../../chirpstack/grpc-status.js';

// How ChirpStack v4.19.0 words its errors, so the fake answers with the same status and text.
// Sources (tag v4.19.0): chirpstack/src/storage/error.rs (messages; `from_diesel` maps only
// NotFound, every other database error stays `Diesel`), chirpstack/src/api/error.rs (status per
// variant: Diesel, Lrwn, Anyhow -> INTERNAL; Validation, NotAllowed -> INVALID_ARGUMENT).

/** An error a handler throws: becomes the gRPC status of the call. */
export class FakeRpcError extends Error {
  /** The gRPC status and message the call answers with. */
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** storage/error.rs:6 `Object does not exist (id: {0})` -> NOT_FOUND (api/error.rs:12). */
export const notFound = (id: string) =>
  new FakeRpcError(status.NOT_FOUND, `Object does not exist (id: ${id})`);

/**
 * A unique-constraint violation: Postgres' text through `Error::Diesel` -> INTERNAL
 * (storage/error.rs:71-76, api/error.rs:46). ChirpStack never answers ALREADY_EXISTS for these.
 */
export const duplicateKey = (constraint: string) =>
  new FakeRpcError(status.INTERNAL, `duplicate key value violates unique constraint "${constraint}"`);

/** A foreign-key violation (unknown application or device profile) -> INTERNAL (api/error.rs:46). */
export const foreignKey = (table: string, constraint: string) =>
  new FakeRpcError(
    status.INTERNAL,
    `insert or update on table "${table}" violates foreign key constraint "${constraint}"`,
  );

/** A `Diesel(NotFound)` reached through `?` instead of `from_diesel` -> INTERNAL "Record not found". */
export const recordNotFound = () => new FakeRpcError(status.INTERNAL, 'Record not found');

/** storage/error.rs:39 `Validation error: {0}` -> INVALID_ARGUMENT (api/error.rs:40). */
export const validation = (what: string) =>
  new FakeRpcError(status.INVALID_ARGUMENT, `Validation error: ${what}`);

/** storage/error.rs:42 `Not allowed ({0})` -> INVALID_ARGUMENT (api/error.rs:43). */
export const notAllowed = (what: string) =>
  new FakeRpcError(status.INVALID_ARGUMENT, `Not allowed (${what})`);

/** api/auth/validator.rs:61-67: a validator that counts 0 rows answers UNAUTHENTICATED with no message. */
export const denied = () => new FakeRpcError(status.UNAUTHENTICATED, '');

/** uuid::Error -> INVALID_ARGUMENT (api/error.rs:80-84), e.g. an empty or malformed id. */
export function parseUuid(value: string): string {
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value))
    throw new FakeRpcError(
      status.INVALID_ARGUMENT,
      value === ''
        ? 'invalid length: expected length 32 for simple format, found 0'
        : `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${value.slice(0, 1)}\` at 1`,
    );
  return value.toLowerCase();
}

/**
 * lrwn EUI64::from_str (lrwn/src/eui64.rs:73-82): an empty string is all zeros; otherwise exactly
 * 16 hex digits (either case) or a hex error, which api/error.rs:86-90 answers as INTERNAL.
 */
export function parseEui(value: string): string {
  return parseHex(value, 8);
}

/** lrwn AES128Key::from_str (lrwn/src/aes128.rs:65-74): like an EUI, 16 bytes. The value is never echoed. */
export function parseKey(value: string): string {
  return parseHex(value, 16);
}

function parseHex(value: string, bytes: number): string {
  if (value === '') return '0'.repeat(bytes * 2);
  if (value.length % 2 === 1) throw new FakeRpcError(status.INTERNAL, 'Odd number of digits');
  if (value.length !== bytes * 2) throw new FakeRpcError(status.INTERNAL, 'Invalid string length');
  const bad = value.search(/[^0-9a-fA-F]/);
  if (bad >= 0)
    throw new FakeRpcError(status.INTERNAL, `Invalid character '${value[bad]}' at position ${bad}`);
  return value.toLowerCase();
}
