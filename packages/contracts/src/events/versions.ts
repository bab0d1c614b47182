import type { z } from 'zod';
import { ContractError } from '../errors.js';
import type { VersionConverter } from '../internal/converter.js';
import { EVENT_CONVERTERS } from './convert-v1-v2.js';
import * as v1 from './v1.js';
import * as v2 from './v2.js';

// One lookup over every version of every event type, and conversion between versions by chaining the
// adjacent converters (v3 → v1 is v3 → v2 → v1).

const SCHEMAS: Readonly<Record<string, z.ZodType>> = { ...v1.EventSchemas, ...v2.EventSchemas };

/** The schema of a fieldops event type at any version, or undefined for a type nobody defined. */
export function eventSchemaFor(type: string): z.ZodType | undefined {
  return Object.hasOwn(SCHEMAS, type) ? SCHEMAS[type] : undefined;
}

/** Every fieldops event type name at every version. */
export function allEventTypeNames(): string[] {
  return Object.keys(SCHEMAS);
}

/** Splits `io.fieldops.x.y.v2` into its base type and version; undefined when it has no `.vN`. */
export function splitEventType(type: string): { base: string; version: number } | undefined {
  const m = /^(.+)\.v([1-9][0-9]*)$/.exec(type);
  return m ? { base: m[1]!, version: Number(m[2]) } : undefined;
}

/** The chain of adjacent converters taking `base` from version `from` to `to`, or undefined when a link is missing. */
export function converterPath(
  base: string,
  from: number,
  to: number,
  converters: readonly VersionConverter[] = EVENT_CONVERTERS,
): VersionConverter[] | undefined {
  const out: VersionConverter[] = [];
  const step = to > from ? 1 : -1;
  for (let v = from; v !== to; v += step) {
    const c = converters.find((k) => k.subject === base && k.from === v && k.to === v + step);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}

/**
 * Converts a CloudEvent to version `to` of its type. Throws ContractError when the event is invalid,
 * when no converter chain joins the versions, or when the target version cannot express the event.
 */
export function convertEvent<T = v1.CloudEvent>(
  event: { type: string },
  to: number,
  converters: readonly VersionConverter[] = EVENT_CONVERTERS,
): T {
  const split = splitEventType(event.type);
  if (!split) {
    throw new ContractError('events.v1.CloudEvent', [
      { path: ['type'], message: `${event.type} has no .vN version suffix`, code: 'not_convertible' },
    ]);
  }
  const path = converterPath(split.base, split.version, to, converters);
  if (!path) {
    throw new ContractError(`events.v${to}.CloudEvent`, [
      {
        path: ['type'],
        message: `no converter joins ${event.type} to ${split.base}.v${to}`,
        code: 'not_convertible',
      },
    ]);
  }
  let out: unknown = event;
  for (const c of path) out = c.convert(out);
  return out as T;
}
