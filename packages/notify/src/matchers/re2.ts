// Alertmanager compiles matcher regexes with Go's regexp package (RE2 syntax). JavaScript reads some of
// the same text differently: `[[:digit:]]` is a class of `[:digitg` followed by `]`, `\s` also matches
// U+00A0, `.` also refuses `\r`, `(?i)` is a syntax error. This module turns an RE2 pattern into a
// JavaScript pattern (for the `u` flag) with the same meaning, or refuses it with the reason.
// Syntax reference: https://github.com/google/re2/wiki/Syntax

/** An RE2 pattern turned into a JavaScript `RegExp` source and flags. */
export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** A pattern RE2 would refuse, or whose meaning JavaScript cannot express the same way. */
export class Re2SyntaxError extends Error {
  override readonly name = 'Re2SyntaxError';
}

// Characters that must be escaped to be literal in a JavaScript `u` pattern outside a class.
const JS_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
// RE2's `\s` is ASCII whitespace without `\v` (JavaScript's also has \v and Unicode spaces).
const RE2_SPACE = '\\t\\n\\f\\r ';
// RE2's repetition limit (re2/parse.cc kMaxRepeat).
const MAX_REPEAT = 1000;
const REPEAT = /^\{(\d+)(?:(,)(\d*))?\}/;
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isAsciiPunct(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

/** Turns an RE2 pattern into a JavaScript pattern with the same meaning; throws Re2SyntaxError. */
export function translateRe2(pattern: string): TranslatedRegex {
  let flags = '';
  let i = 0;
  // Flags at the very start apply to the whole pattern: `(?i)`, `(?s)`, `(?is)`.
  for (let m = /^\(\?([a-zA-Z-]+)\)/.exec(pattern); m; m = /^\(\?([a-zA-Z-]+)\)/.exec(pattern.slice(i))) {
    for (const f of m[1] as string) {
      if (f === 'i' || f === 's') {
        if (!flags.includes(f)) flags += f;
      } else if (f === 'm' || f === 'U' || f === '-') {
        throw new Re2SyntaxError(
          `flag (?${m[1]}) is not supported here: only (?i) and (?s) at the start of the pattern`,
        );
      } else throw new Re2SyntaxError(`invalid or unsupported Perl syntax: (?${m[1]})`);
    }
    i += m[0].length;
  }
  const dotAll = flags.includes('s');
  let out = '';
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const [js, used] = escapeOutsideClass(pattern, i);
      out += js;
      i += used;
    } else if (c === '[') {
      const [js, used] = translateClass(pattern, i);
      out += js;
      i += used;
    } else if (c === '(') {
      const [js, used] = translateGroupOpen(pattern, i);
      out += js;
      i += used;
    } else if (c === '.') {
      out += dotAll ? '.' : '[^\\n]';
      i++;
    } else if (c === '{') {
      const m = REPEAT.exec(pattern.slice(i));
      if (m) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
        if (min > MAX_REPEAT || (max !== undefined && max > MAX_REPEAT)) {
          throw new Re2SyntaxError(`invalid repeat count: ${m[0]} (at most ${MAX_REPEAT})`);
        }
        if (max !== undefined && max < min) throw new Re2SyntaxError(`invalid repeat count: ${m[0]}`);
        out += m[0];
        i += m[0].length;
      } else {
        // RE2 reads a `{` that does not start `{n}`, `{n,}` or `{n,m}` as a literal.
        out += '\\{';
        i++;
      }
    } else if (c === '}' || c === ']') {
      out += `\\${c}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, flags };
}

function hexEscape(pattern: string, i: number): [string, number] {
  // `\xHH` or `\x{H...}` at pattern[i] === '\\'.
  const braced = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i));
  if (braced) {
    const cp = Number.parseInt(braced[1] as string, 16);
    if (cp > 0x10ffff) throw new Re2SyntaxError(`invalid escape sequence: ${braced[0]}`);
    return [`\\u{${cp.toString(16)}}`, braced[0].length];
  }
  const short = /^\\x([0-9A-Fa-f]{2})/.exec(pattern.slice(i));
  if (short) return [short[0], 4];
  throw new Re2SyntaxError(`invalid escape sequence: ${pattern.slice(i, i + 4)}`);
}

function commonEscape(pattern: string, i: number, inClass: boolean): [string, number] | undefined {
  const e = pattern[i + 1];
  if (e === undefined) throw new Re2SyntaxError('trailing backslash at end of expression');
  switch (e) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'n':
    case 't':
    case 'r':
    case 'f':
    case 'v':
      return [`\\${e}`, 2];
    case 'a':
      return ['\\x07', 2];
    case 's':
      return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, 2];
    case 'x':
      return hexEscape(pattern, i);
    case 'p':
    case 'P':
      throw new Re2SyntaxError(
        `Unicode classes (\\${e}…) are not supported in fieldops matchers; list the characters instead`,
      );
  }
  if (/[0-9]/.test(e)) {
    throw new Re2SyntaxError(
      `\\${e}: backreferences and octal escapes are not supported (RE2 has no backreferences); use \\x{..}`,
    );
  }
  if (isAsciiPunct(e)) {
    if (inClass) return [/[\\\]^\-[]/.test(e) || JS_SYNTAX.has(e) ? `\\${e}` : e, 2];
    return [JS_SYNTAX.has(e) ? `\\${e}` : e, 2];
  }
  return undefined;
}

function escapeOutsideClass(pattern: string, i: number): [string, number] {
  const common = commonEscape(pattern, i, false);
  if (common) return common;
  const e = pattern[i + 1] as string;
  switch (e) {
    case 'S':
      return [`[^${RE2_SPACE}]`, 2];
    case 'b':
    case 'B':
      return [`\\${e}`, 2];
    case 'A':
      return ['^', 2];
    case 'z':
      return ['$', 2];
    case 'Q': {
      // Literal text up to `\E` (or the end).
      const end = pattern.indexOf('\\E', i + 2);
      const text = pattern.slice(i + 2, end < 0 ? undefined : end);
      let js = '';
      for (const ch of text) js += JS_SYNTAX.has(ch) ? `\\${ch}` : ch;
      return [js, (end < 0 ? pattern.length : end + 2) - i];
    }
  }
  throw new Re2SyntaxError(`invalid escape sequence: \\${e}`);
}

function translateClass(pattern: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  // A `]` first in the class is a literal in RE2 (JavaScript would read `[]` as an empty class).
  if (pattern[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === ']') return [`${out}]`, i + 1 - start];
    if (c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      const name = end < 0 ? pattern.slice(i) : pattern.slice(i, end + 2);
      throw new Re2SyntaxError(
        `POSIX class ${name} is not supported (JavaScript reads it differently); write the characters, e.g. [0-9] for [:digit:]`,
      );
    }
    if (c === '\\') {
      const common = commonEscape(pattern, i, true);
      if (!common) {
        throw new Re2SyntaxError(
          pattern[i + 1] === 'S'
            ? '\\S inside a character class is not supported; use a negated class'
            : `invalid escape sequence in a character class: \\${pattern[i + 1]}`,
        );
      }
      out += common[0];
      i += common[1];
      continue;
    }
    out += c === '[' ? '\\[' : c;
    i++;
  }
  throw new Re2SyntaxError(`missing closing ]: ${pattern.slice(start)}`);
}

function translateGroupOpen(pattern: string, i: number): [string, number] {
  if (pattern[i + 1] !== '?') return ['(', 1];
  const rest = pattern.slice(i);
  if (rest.startsWith('(?:')) return ['(?:', 3];
  const named = /^\(\?P?<([^>]*)>/.exec(rest);
  if (named && !rest.startsWith('(?<=') && !rest.startsWith('(?<!')) {
    if (!GROUP_NAME.test(named[1] as string)) {
      throw new Re2SyntaxError(`invalid named capture group: ${named[0]}`);
    }
    return [`(?<${named[1]}>`, named[0].length];
  }
  if (/^\(\?(=|!|<=|<!)/.test(rest)) {
    throw new Re2SyntaxError(`lookaround ${rest.slice(0, 4)} is not supported (RE2 has no lookaround)`);
  }
  if (/^\(\?[a-zA-Z-]+[):]/.test(rest)) {
    throw new Re2SyntaxError(
      `flag group ${/^\(\?[a-zA-Z-]+[):]/.exec(rest)?.[0]} is supported only as (?i) / (?s) at the start of the pattern`,
    );
  }
  throw new Re2SyntaxError(`invalid or unsupported Perl syntax: ${rest.slice(0, 3)}`);
}
