import { isSecretKey, REDACTED } from '@fieldops/contracts';

/**
 * Replaces the value of every secret-named key (`password`, `token`, …) that is not already
 * `[redacted]`. Bundles are redacted by the writer; this is the second lock on the door, so a writer
 * bug cannot publish a secret on a KB page. Returns the paths it had to redact.
 */
export function redactSecretKeys(value: unknown, path = ''): { value: unknown; redacted: string[] } {
  const redacted: string[] = [];
  const walk = (v: unknown, at: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${at}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        const here = at ? `${at}.${key}` : key;
        if (isSecretKey(key) && item !== REDACTED && item !== null && typeof item !== 'object') {
          out[key] = REDACTED;
          redacted.push(here);
        } else out[key] = walk(item, here);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, path), redacted };
}

export { stableStringify } from '../render/stable-stringify.js';
