import { NotifyConfigError } from './errors.js';
import type { Labels } from './types.js';

/** A label matcher as written in configuration. */
export interface MatcherConfig {
  name: string;
  op?: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A compiled matcher. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const OPS: readonly Matcher['op'][] = ['=', '!=', '=~', '!~'];
const TEXT = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex` (value optionally quoted) or an object. */
export function parseMatcher(input: string | MatcherConfig, field: string): Matcher {
  let name: string;
  let op: Matcher['op'];
  let value: string;
  if (typeof input === 'string') {
    if (input.length > 1024) throw new NotifyConfigError(`${field}: a matcher is at most 1024 characters`);
    const m = TEXT.exec(input);
    if (!m)
      throw new NotifyConfigError(`${field}: expected a matcher such as severity="critical", got "${input}"`);
    name = m[1] as string;
    op = m[2] as Matcher['op'];
    value = (m[3] as string).replace(/^"(.*)"$/, '$1');
  } else {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new NotifyConfigError(`${field}: expected a matcher string or { name, op?, value }`);
    }
    const extra = Object.keys(input).filter((k) => k !== 'name' && k !== 'op' && k !== 'value');
    if (extra.length > 0) throw new NotifyConfigError(`${field}.${extra[0]}: unknown matcher field`);
    if (typeof input.name !== 'string' || !LABEL_NAME.test(input.name)) {
      throw new NotifyConfigError(`${field}.name: expected a label name such as severity`);
    }
    if (input.op !== undefined && !OPS.includes(input.op)) {
      throw new NotifyConfigError(`${field}.op: expected one of ${OPS.join(' ')}`);
    }
    if (typeof input.value !== 'string') throw new NotifyConfigError(`${field}.value: expected a string`);
    name = input.name;
    op = input.op ?? '=';
    value = input.value;
  }
  if (op === '=~' || op === '!~') {
    let regex: RegExp;
    try {
      // Anchored like Alertmanager: the regex must match the whole value.
      regex = new RegExp(`^(?:${value})$`);
    } catch {
      throw new NotifyConfigError(`${field}: invalid regular expression for ${name}`);
    }
    return { name, op, value, regex };
  }
  return { name, op, value };
}

/** Parses a list of matchers. */
export function parseMatchers(
  list: readonly (string | MatcherConfig)[] | undefined,
  field: string,
): Matcher[] {
  return (list ?? []).map((m, i) => parseMatcher(m, `${field}[${i}]`));
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
