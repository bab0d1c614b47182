import { z } from 'zod';

// Building blocks shared by several points. They are factories, not shared instances: each point
// registers its own named schemas, so changing one point's version never changes another's.

/** An RFC 3339 timestamp with an offset (`2026-11-27T10:00:00Z`). Kept as a string so JSON round-trips. */
export const timestamp = () =>
  z.iso.datetime({ offset: true, error: 'expected an RFC 3339 timestamp such as 2026-11-27T10:00:00Z' });

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = () => z.iso.date({ error: 'expected a date YYYY-MM-DD' });

/** Semantic version `MAJOR.MINOR.PATCH[-pre][+build]`. */
export const semver = () =>
  z
    .string()
    .regex(
      /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/,
      { error: 'expected a semantic version such as 1.4.0' },
    );

/** A lower-case slug usable as one path component: `site-bkk-01`. */
export const slug = (what = 'a slug') =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: `expected ${what}: 1–63 lower-case letters, digits or dashes, not starting with a dash`,
  });

/** An EUI-64 as 16 hex digits; upper case and `:`/`-` separators accepted, normalized to lower case. */
export const eui64 = (what = 'an EUI-64') =>
  z
    .string()
    .regex(/^(?:[0-9A-Fa-f]{2}[:-]?){7}[0-9A-Fa-f]{2}$/, { error: `expected ${what}: 16 hex digits` })
    .overwrite((v) => v.replace(/[:-]/g, '').toLowerCase());

/** A MAC-48 in any common notation (`AA:BB:…`, `aa-bb-…`, `aabb.ccdd.eeff`, bare hex), normalized to `aa:bb:cc:dd:ee:ff`. */
export const mac = () =>
  z
    .string()
    .regex(
      /^(?:(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12})$/,
      { error: 'expected a MAC address such as aa:bb:cc:dd:ee:ff' },
    )
    // zod runs an overwrite even after the regex failed: normalise only a value of 12 hex digits,
    // leave anything else as it is so the regex's own message is what the caller sees.
    .overwrite((v) => {
      const hex = v.replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
      return hex.length === 12 ? hex.replace(/(..)(?!$)/g, '$1:') : v;
    });

/** Hex string of `bytes` bytes (any case in, lower case out). */
export const hexBytes = (bytes: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`), { error: `expected ${what}: ${bytes * 2} hex digits` })
    .overwrite((v) => v.toLowerCase());

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const MAX_JSON_DEPTH = 64;

/** True for a value that survives `JSON.stringify` / `JSON.parse` unchanged (no undefined, NaN, class instances, cycles). */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value).every((v) => isJsonValue(v, depth + 1));
  }
  return false;
}

// Not zod's z.json(): that one is recursive, and a recursive JSON Schema cannot live inside an
// OpenAPI component without a dangling $ref. A refinement checks the value; the schema says "any".
/** Any JSON value. */
export const json = () =>
  z
    .unknown()
    .refine((v) => isJsonValue(v), { error: 'expected a JSON value' })
    .meta({ description: 'Any JSON value.' }) as unknown as z.ZodType<JsonValue>;

/** A JSON object (string keys, JSON values). */
export const jsonObject = () => z.record(z.string(), json());

/** Free-form labels: short keys, string values. */
export const labels = () =>
  z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/, { error: 'expected a label name' }),
    z.string().max(1024),
  );

/** An absolute http(s) URL. */
export const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: 'expected an absolute http:// or https:// URL' });

/** A TCP/UDP port. */
export const port = () => z.int().min(1).max(65535);

/** A host name or IP address (no scheme, no port). */
export const host = () =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/, {
      error: 'expected a host name or IP address',
    });

/** The error body every fieldops HTTP API answers with. */
export const errorBody = () =>
  z.object({
    error: z.object({
      code: z.string().min(1).meta({ description: 'Stable machine-readable code, e.g. `not_found`.' }),
      message: z.string().meta({ description: 'Human-readable; never contains secret values.' }),
      request_id: z.string().optional(),
      contract: z
        .string()
        .optional()
        .meta({ description: 'The contract that rejected the input, e.g. `rfid.v1.EventBatch`.' }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per problem, with the field path.' }),
    }),
  });

/** A health report of a service. */
export const health = () =>
  z.object({
    status: z.enum(['ok', 'degraded', 'down']),
    version: z.string().optional(),
    time: timestamp(),
    checks: z
      .array(
        z.object({
          name: z.string().min(1),
          status: z.enum(['ok', 'degraded', 'down']),
          detail: z.string().optional(),
        }),
      )
      .optional(),
  });
