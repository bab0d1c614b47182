// Bearer tokens: a plain string, anything with `reveal()` (the sdk's Secret), or a function that
// fetches one (rotation). Resolved per attempt; the value only ever goes into the Authorization header.

/** A value with `reveal()`, such as the sdk's `Secret`. */
export interface RevealableSecret {
  reveal(): string;
}

/** Where a bearer token comes from. */
export type BearerTokenSource =
  | string
  | RevealableSecret
  | (() => string | RevealableSecret | Promise<string | RevealableSecret>);

/** Resolves a token source to the token string (undefined when there is none). */
export async function resolveToken(source: BearerTokenSource | undefined): Promise<string | undefined> {
  if (source === undefined) return undefined;
  const value = typeof source === 'function' ? await source() : source;
  return typeof value === 'string' ? value : value.reveal();
}

/** Replaces every occurrence of each secret in `text` with `[redacted]`. */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
