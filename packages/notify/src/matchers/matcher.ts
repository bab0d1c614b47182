import { NotifyConfigError } from '../errors.js';
import type { Labels } from '../types.js';
import { Re2SyntaxError, translateRe2 } from './re2.js';

/** A label matcher as written in configuration or a silence. */
export interface MatcherConfig {
  name: string;
  op?: MatchOp;
  value: string;
}

/** The four operators of Alertmanager's matchers. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A compiled matcher. */
export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  readonly regex?: RegExp;
}

/** Operators in the order they are tried (`=~` before `=`). */
export const MATCH_OPS: readonly MatchOp[] = ['=~', '!~', '!=', '='];
/** A label name in a matcher: Prometheus' metric-name charset, as Alertmanager's classic parser accepts. */
export const MATCHER_LABEL_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Compiles one matcher. Regexes are anchored at both ends (`^(?:value)$`) and read with RE2's meaning,
 * as Alertmanager does (pkg/labels/matcher.go NewMatcher); a pattern JavaScript would read differently
 * is refused. Throws NotifyConfigError naming `field`.
 */
export function compileMatcher(name: string, op: MatchOp, value: string, field: string): Matcher {
  if (op !== '=~' && op !== '!~') return { name, op, value };
  let regex: RegExp;
  try {
    const { source, flags } = translateRe2(value);
    regex = new RegExp(`^(?:${source})$`, `${flags}u`);
  } catch (err) {
    const why = err instanceof Re2SyntaxError || err instanceof SyntaxError ? err.message : String(err);
    throw new NotifyConfigError(
      `${field}: invalid regular expression for ${name} ${JSON.stringify(value)}: ${why}`,
    );
  }
  return { name, op, value, regex };
}

/** True when one matcher matches a label set (a missing label is the empty string). */
export function matchOne(m: Matcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

/** True when every matcher matches (an empty list matches everything). */
export function matchAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!matchOne(m, labels)) return false;
  return true;
}
