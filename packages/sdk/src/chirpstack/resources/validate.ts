import { ChirpStackInvalidArgumentError } from '../errors.js';

// Checks the client makes before sending, where ChirpStack 4.19 is unhelpful: a malformed EUI or
// key is an INTERNAL hex error, an empty EUI is silently all zeros (lrwn/src/eui64.rs:73-82), and
// an empty device name is accepted on Create but refused on Update (storage/device.rs:143-146).

function refuse(operation: string, field: string, why: string): never {
  throw new ChirpStackInvalidArgumentError(
    'invalid_argument',
    `chirpstack: ${operation} refused before sending (chirpstack v4 API): ${field} ${why}`,
    { operation },
  );
}

/** A normalised EUI-64 (16 hex digits), or a clear error naming the field; never all zeros by omission. */
export function requireEui(value: string, field: string, operation: string): string {
  const eui = value.replace(/[:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(eui))
    refuse(operation, field, `must be 16 hex digits (got ${eui.length} characters)`);
  return eui;
}

/** An AES-128 key (32 hex digits); the error never contains the value. */
export function requireKey(value: string, field: string, operation: string): string {
  const key = value.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(key)) refuse(operation, field, 'must be 32 hex digits (value not shown)');
  return key;
}

/** A non-empty name. */
export function requireName(value: string, field: string, operation: string): string {
  if (!value) refuse(operation, field, 'must not be empty');
  return value;
}
