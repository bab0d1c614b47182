import { NotifyConfigError } from './errors.js';

/** A duration: milliseconds, or a Prometheus-style string such as `30s`, `5m`, `1h30m`, `2d`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Parses a duration to milliseconds; `field` names the config field in the error. */
export function parseDuration(value: Duration, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new NotifyConfigError(`${field}: expected a duration ≥ 0`);
    return value;
  }
  const text = value.trim();
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(PART)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new NotifyConfigError(`${field}: expected a duration such as 30s, 5m or 1h30m, got "${text}"`);
  }
  return total;
}
