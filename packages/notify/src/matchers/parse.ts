// Matcher strings as Alertmanager parses them (pkg/labels/parse.go ParseMatchers / ParseMatcher):
// one string may hold a list, `{a="1", b!~"x|y"}` or `a=1,b!=2`; commas inside double quotes do not
// separate; `\"` is a quote inside a value, `\\` a backslash, `\n` a line feed.
import { NotifyConfigError } from '../errors.js';
import {
  compileMatcher,
  MATCH_OPS,
  MATCHER_LABEL_NAME,
  type Matcher,
  type MatcherConfig,
  type MatchOp,
} from './matcher.js';

/** Longest matcher text accepted (one `name op value` item). */
export const MAX_MATCHER_TEXT = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const OPS_ALLOWED: readonly MatchOp[] = ['=', '!=', '=~', '!~'];

/** Splits a list at commas outside double quotes (a `\"` does not open or close a quote). */
function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let escaped = false;
  for (const ch of text) {
    if (ch === ',' && !quoted) {
      items.push(current);
      current = '';
      continue;
    }
    if (ch === '"' && !escaped) quoted = !quoted;
    escaped = ch === '\\' ? !escaped : false;
    current += ch;
  }
  // A trailing comma (and blanks after it) ends the list; an empty item elsewhere is an error.
  if (current.trim() !== '') items.push(current);
  return items;
}

/** Reads the value of one matcher: optional surrounding quotes, OpenMetrics escapes inside. */
function unquoteValue(raw: string, field: string, item: string): string {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let value = '';
  let closed = !quoted;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '\\' && i < body.length - 1) {
      const next = body[i + 1] as string;
      i++;
      if (next === 'n') value += '\n';
      else if (next === '"' || next === '\\') value += next;
      else value += `\\${next}`; // a spurious escape stays a literal backslash
      continue;
    }
    if (ch === '"') {
      if (!quoted || i < body.length - 1) {
        throw new NotifyConfigError(
          `${field}: the value of matcher ${JSON.stringify(item.trim())} has an unescaped double quote (write \\")`,
        );
      }
      closed = true;
      continue;
    }
    value += ch;
  }
  if (!closed) {
    throw new NotifyConfigError(
      `${field}: the value of matcher ${JSON.stringify(item.trim())} opens a double quote it does not close`,
    );
  }
  return value;
}

/** Parses one `name op value` item; throws NotifyConfigError naming `field` and the item. */
export function parseMatcherItem(item: string, field: string): Matcher {
  if (item.length > MAX_MATCHER_TEXT) {
    throw new NotifyConfigError(`${field}: a matcher is at most ${MAX_MATCHER_TEXT} characters`);
  }
  const text = item.replace(/^\s+/, '');
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text)?.[0];
  const rest = name === undefined ? '' : text.slice(name.length).replace(/^\s+/, '');
  const op = MATCH_OPS.find((o) => rest.startsWith(o));
  if (name === undefined || op === undefined) {
    throw new NotifyConfigError(
      `${field}: malformed matcher ${JSON.stringify(item.trim())}: expected a label name, one of = != =~ !~ and a value, such as severity="critical"`,
    );
  }
  const raw = rest.slice(op.length).trim();
  if (LONE_SURROGATE.test(raw))
    throw new NotifyConfigError(`${field}: matcher value is not valid UTF-16 text`);
  return compileMatcher(name, op, unquoteValue(raw, field, item), field);
}

/**
 * Parses a matcher string that may hold a list (`{a="1", b=~"x.*"}`, `a=1,b!=2`); a `{}` list is
 * empty. Throws NotifyConfigError naming `field` and the malformed item.
 */
export function parseMatcherList(text: string, field: string): Matcher[] {
  let body = text.startsWith('{') ? text.slice(1) : text;
  if (body.endsWith('}')) body = body.slice(0, -1);
  return splitList(body).map((item) => parseMatcherItem(item, field));
}

/** Validates a matcher object `{ name, op?, value }` (op defaults to `=`). */
export function parseMatcherObject(input: MatcherConfig, field: string): Matcher {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new NotifyConfigError(`${field}: expected a matcher string or { name, op?, value }`);
  }
  const extra = Object.keys(input).filter((k) => k !== 'name' && k !== 'op' && k !== 'value');
  if (extra.length > 0) throw new NotifyConfigError(`${field}.${extra[0]}: unknown matcher field`);
  if (typeof input.name !== 'string' || !MATCHER_LABEL_NAME.test(input.name)) {
    throw new NotifyConfigError(
      `${field}.name: expected a label name such as severity ([a-zA-Z_:][a-zA-Z0-9_:]*)`,
    );
  }
  if (input.op !== undefined && !OPS_ALLOWED.includes(input.op)) {
    throw new NotifyConfigError(`${field}.op: expected one of ${OPS_ALLOWED.join(' ')}`);
  }
  if (typeof input.value !== 'string') throw new NotifyConfigError(`${field}.value: expected a string`);
  return compileMatcher(input.name, input.op ?? '=', input.value, field);
}

/** Parses one configured entry: a string (possibly a list) or a matcher object. */
export function parseMatcher(input: string | MatcherConfig, field: string): Matcher[] {
  return typeof input === 'string' ? parseMatcherList(input, field) : [parseMatcherObject(input, field)];
}

/** Parses a configured list of entries, each a string (possibly a list itself) or an object. */
export function parseMatchers(
  list: readonly (string | MatcherConfig)[] | undefined,
  field: string,
): Matcher[] {
  if (list !== undefined && !Array.isArray(list)) {
    throw new NotifyConfigError(`${field}: expected a list of matchers such as ['severity="critical"']`);
  }
  return (list ?? []).flatMap((m, i) => parseMatcher(m, `${field}[${i}]`));
}
