// JSON Pointer (RFC 6901 §3, §4) for the data paths of updateDataModel: `~` is written `~0`, `/` is `~1`.

/** Escapes one reference token of a JSON Pointer (RFC 6901 §3). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends a token (a key or an index) to a JSON Pointer; `/` is the whole document. */
export function joinPointer(base: string, token: string | number): string {
  const t = escapePointerToken(String(token));
  return base === '/' ? `/${t}` : `${base}/${t}`;
}
