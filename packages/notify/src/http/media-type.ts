// RFC 9110 §8.3.1 media types: `type/subtype *( OWS ";" OWS parameter )`, case-insensitive type.

/** A parsed media type: lower-cased `type/subtype` and its parameters (names lower-cased). */
export interface MediaType {
  essence: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a `Content-Type` / `datacontenttype` value; undefined when it is not a media type. */
export function parseMediaType(value: string): MediaType | undefined {
  const [head, ...rest] = value.split(';');
  const essence = (head ?? '').trim().toLowerCase();
  const [type, subtype, extra] = essence.split('/');
  if (!type || !subtype || extra !== undefined || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim().toLowerCase();
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (!TOKEN.test(name)) return undefined;
    params[name] = v;
  }
  return { essence, params };
}

/** True for `application/json` and `*\/*+json` with any parameters. */
export function isJsonMediaType(value: string): boolean {
  const m = parseMediaType(value);
  return m !== undefined && (m.essence === 'application/json' || m.essence.endsWith('+json'));
}
