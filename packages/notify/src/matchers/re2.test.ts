import { describe, expect, it } from 'vitest';
import { compileMatcher, matchOne } from './matcher.js';

// Oracle: Go's regexp/syntax (RE2), which Alertmanager compiles matcher regexes with, anchored as
// `^(?:value)$` (prometheus/alertmanager@68fb2d5 pkg/labels/matcher.go:69). Syntax:
// https://pkg.go.dev/regexp/syntax ("Syntax" section) and https://github.com/google/re2/wiki/Syntax.
const re = (value: string) => compileMatcher('l', '=~', value, 'route.matchers[0]');
const matches = (value: string, text: string) => matchOne(re(value), { l: text });

describe('regex matchers read with RE2 meaning', () => {
  it('are anchored at both ends (matcher.go:69)', () => {
    expect(matches('bar', 'bar')).toBe(true);
    expect(matches('bar', 'foobar')).toBe(false);
    expect(matches('a|b', 'ab')).toBe(false);
  });
  it('accept (?i) and (?s) at the start (regexp/syntax "Flags")', () => {
    expect(matches('(?i)critical', 'CRITICAL')).toBe(true);
    expect(matches('(?s)a.b', 'a\nb')).toBe(true);
    expect(matches('(?is)A.B', 'a\nb')).toBe(true);
    expect(matches('a.b', 'a\nb')).toBe(false);
  });
  it('refuse POSIX classes, which JavaScript reads as a class of characters (regexp/syntax "ASCII character classes")', () => {
    // JavaScript: /^(?:[[:digit:]])$/ matches "d]" and not "5".
    expect(() => re('[[:digit:]]+')).toThrow(
      /route\.matchers\[0\]: invalid regular expression for l "\[\[:digit:\]\]\+": POSIX class \[:digit:\] is not supported.*\[0-9\]/,
    );
    expect(() => re('[^[:space:]]')).toThrow(/POSIX class/);
  });
  it('`.` refuses only \\n, as in RE2 (JavaScript also refuses \\r and U+2028)', () => {
    expect(matches('a.b', 'a\rb')).toBe(true);
    expect(matches('a.b', 'a\u2028b')).toBe(true);
    expect(matches('.', '😀')).toBe(true); // one code point, not one UTF-16 unit
  });
  it('\\s is ASCII whitespace without \\v (regexp/syntax "Perl character classes")', () => {
    expect(matches('a\\sb', 'a\tb')).toBe(true);
    expect(matches('a\\sb', 'a\u00a0b')).toBe(false);
    expect(matches('a\\sb', 'a\vb')).toBe(false);
    expect(matches('a\\Sb', 'a\u00a0b')).toBe(true);
    expect(matches('[\\s]', '\u00a0')).toBe(false);
  });
  it('a leading ] in a class is a literal; a { that starts no repetition is a literal', () => {
    expect(matches('[]a]+', ']a')).toBe(true);
    expect(matches('a{,3}', 'a{,3}')).toBe(true);
    expect(matches('a{2,3}', 'aaa')).toBe(true);
    expect(matches('x}', 'x}')).toBe(true);
    expect(() => re('a{1001}')).toThrow(/invalid repeat count/);
  });
  it('escapes of punctuation are literals; \\x{…}, \\Q…\\E, \\A, \\z and (?P<name>…) work', () => {
    expect(matches('a\\-b\\!c\\#', 'a-b!c#')).toBe(true);
    expect(matches('\\x{263a}', '☺')).toBe(true);
    expect(matches('\\Qa.b*\\E', 'a.b*')).toBe(true);
    expect(matches('\\Qa.b*\\E', 'axbb')).toBe(false);
    expect(matches('\\Afoo\\z', 'foo')).toBe(true);
    expect(matches('(?P<x>a+)b', 'aab')).toBe(true);
  });
  it('refuses what RE2 refuses: lookaround, backreferences, unknown escapes, unclosed classes', () => {
    expect(() => re('a(?=b)')).toThrow(/lookaround/);
    expect(() => re('(a)\\1')).toThrow(/backreferences/);
    expect(() => re('\\q')).toThrow(/invalid escape sequence/);
    expect(() => re('[abc')).toThrow(/missing closing \]/);
    expect(() => re('a**')).toThrow(/invalid regular expression/);
    expect(() => re('\\pL')).toThrow(/Unicode classes/);
  });
  it('refuses flags it cannot give the same meaning: (?m), (?U), flags after the start', () => {
    expect(() => re('(?m)^a$')).toThrow(/only \(\?i\) and \(\?s\)/);
    expect(() => re('(?U)a+')).toThrow(/only \(\?i\) and \(\?s\)/);
    expect(() => re('a(?i)b')).toThrow(/only as \(\?i\) \/ \(\?s\) at the start/);
    expect(() => re('(?i:a)b')).toThrow(/only as \(\?i\) \/ \(\?s\) at the start/);
  });
});
