import { z } from 'zod';
import { ContractError } from '../errors.js';
import { defineContract } from '../internal/contract.js';

/** What every redacted value is replaced with, in logs, snapshots, bundles and pages. */
export const REDACTED = '[redacted]';

// Secrets never travel as values inside a contract: a SecretRef names where the value lives and
// the SDK's SecretResolver fetches it at the last moment.
const ENV = /^env:[A-Za-z_][A-Za-z0-9_]*$/;
const FILE = /^file:[^\s]+$/;
const VAULT = /^vault:[A-Za-z0-9_./-]+#[A-Za-z0-9_.-]+$/;
const ONEPASSWORD = /^op:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+(?:\/[^/\s]+)?$/;
// One pattern for the JSON Schema, so third-party validators check the same thing.
const ANY_REF = new RegExp(
  `^(?:${[ENV, FILE, VAULT, ONEPASSWORD].map((r) => r.source.slice(1, -1)).join('|')})$`,
);

/** A reference to a secret: `env:NAME`, `file:path`, `vault:path#key` or `op://vault/item/field`. */
export const SecretRef = defineContract(
  'secrets',
  1,
  'SecretRef',
  z
    .string({
      error: 'expected a secret reference (env:NAME, file:path, vault:path#key or op://vault/item/field)',
    })
    .regex(ANY_REF, {
      error: 'expected a secret reference (env:NAME, file:path, vault:path#key or op://vault/item/field)',
    })
    .meta({
      description: 'Where a secret lives, never the secret itself.',
      examples: [
        'env:CHIRPSTACK_API_TOKEN',
        'vault:kv/data/site-bkk-01#app_key',
        'op://ops/chirpstack/token',
      ],
    }),
);
export type SecretRef = z.infer<typeof SecretRef>;

/** A SecretRef taken apart. */
export type ParsedSecretRef =
  | { scheme: 'env'; name: string }
  | { scheme: 'file'; path: string }
  | { scheme: 'vault'; path: string; key: string }
  | { scheme: 'op'; vault: string; item: string; field: string; section?: string };

/** Takes a SecretRef apart; throws ContractError (`secrets.v1.SecretRef`) when it is not one. */
export function parseSecretRef(ref: string): ParsedSecretRef {
  if (ENV.test(ref)) return { scheme: 'env', name: ref.slice(4) };
  if (FILE.test(ref)) return { scheme: 'file', path: ref.slice(5) };
  if (VAULT.test(ref)) {
    const [path, key] = ref.slice(6).split('#') as [string, string];
    return { scheme: 'vault', path, key };
  }
  if (ONEPASSWORD.test(ref)) {
    const parts = ref.slice(5).split('/');
    if (parts.length === 4) {
      const [vault, item, section, field] = parts as [string, string, string, string];
      return { scheme: 'op', vault, item, section, field };
    }
    const [vault, item, field] = parts as [string, string, string];
    return { scheme: 'op', vault, item, field };
  }
  throw new ContractError('secrets.v1.SecretRef', [
    {
      path: [],
      message: 'expected a secret reference (env:NAME, file:path, vault:path#key or op://vault/item/field)',
      code: 'custom',
    },
  ]);
}

/** True when `value` is a SecretRef. */
export function isSecretRef(value: unknown): value is SecretRef {
  return SecretRef.safeParse(value).success;
}

/**
 * Field names whose values are secrets wherever they appear (matched case-insensitively against the
 * last path segment). Redaction by name is the first line; redaction by resolved value is the second.
 */
export const SECRET_KEY_PATTERN =
  /(?:^|[_-])(?:password|passwd|secret|token|api[_-]?key|app[_-]?key|nwk[_-]?key|apikey|private[_-]?key|authorization|cookie|credentials?)$|^(?:app_key|nwk_key|gen_app_key|station_token)$/i;

/** True when a field of this name holds a secret and must be redacted. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY_PATTERN.test(name) && !/_ref$/i.test(name);
}
