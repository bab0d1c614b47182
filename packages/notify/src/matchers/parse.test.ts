import { describe, expect, it } from 'vitest';
import { parseMatcherList, parseMatchers } from './parse.js';

// Oracle: Alertmanager's own parser tests, prometheus/alertmanager@68fb2d5 pkg/labels/parse_test.go
// (TestMatchers). Each row cites the line of the case it ports.
const AM = 'prometheus/alertmanager@68fb2d5 pkg/labels/parse_test.go';
const F = 'route.matchers[0]';
const list = (text: string) => parseMatcherList(text, F).map((m) => [m.name, m.op, m.value]);

describe(`matcher lists as Alertmanager parses them (${AM})`, () => {
  const ok: [line: number, input: string, want: [string, string, string][]][] = [
    [28, '{}', []],
    [40, "{foo='}", [['foo', '=', "'"]]],
    [48, '{foo=`}', [['foo', '=', '`']]],
    [56, '{foo=\\"}', [['foo', '=', '"']]],
    [64, '{foo=bar}', [['foo', '=', 'bar']]],
    [72, '{foo="bar"}', [['foo', '=', 'bar']]],
    [80, '{foo=~bar.*}', [['foo', '=~', 'bar.*']]],
    [88, '{foo=~"bar.*"}', [['foo', '=~', 'bar.*']]],
    [96, '{foo!=bar}', [['foo', '!=', 'bar']]],
    [104, '{foo!="bar"}', [['foo', '!=', 'bar']]],
    [112, '{foo!~bar.*}', [['foo', '!~', 'bar.*']]],
    [120, '{foo!~"bar.*"}', [['foo', '!~', 'bar.*']]],
    [
      128,
      '{foo="bar", baz!="quux"}',
      [
        ['foo', '=', 'bar'],
        ['baz', '!=', 'quux'],
      ],
    ],
    [
      145,
      '{foo="bar",baz!~".*quux", derp="wat"}',
      [
        ['foo', '=', 'bar'],
        ['baz', '!~', '.*quux'],
        ['derp', '=', 'wat'],
      ],
    ],
    [
      176,
      '{foo="bar", instance=~"some-api.*"}',
      [
        ['foo', '=', 'bar'],
        ['instance', '=~', 'some-api.*'],
      ],
    ],
    [185, '{foo=""}', [['foo', '=', '']]],
    [
      193,
      '{foo="bar,quux", job="job1"}',
      [
        ['foo', '=', 'bar,quux'],
        ['job', '=', 'job1'],
      ],
    ],
    [
      202,
      '{foo = "bar", dings != "bums", }',
      [
        ['foo', '=', 'bar'],
        ['dings', '!=', 'bums'],
      ],
    ],
    [
      211,
      'foo=bar,dings!=bums',
      [
        ['foo', '=', 'bar'],
        ['dings', '!=', 'bums'],
      ],
    ],
    [
      220,
      '{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}',
      [['quote', '=', 'She said: "Hi, ladies! That\'s gender-neutral…"']],
    ],
    [228, 'statuscode=~"5.."', [['statuscode', '=~', '5..']]],
    [236, 'tricky=~~~', [['tricky', '=~', '~~']]],
    [244, 'trickier==\\\\=\\=\\"', [['trickier', '=', '=\\=\\="']]],
    [
      252,
      'contains_quote != "\\"" , contains_comma !~ "foo,bar" , ',
      [
        ['contains_quote', '!=', '"'],
        ['contains_comma', '!~', 'foo,bar'],
      ],
    ],
    [261, '{foo=bar}}', [['foo', '=', 'bar}']]],
    [269, '{foo=bar}},}', [['foo', '=', 'bar}}']]],
    [
      277,
      '{foo=,bar=}}',
      [
        ['foo', '=', ''],
        ['bar', '=', '}'],
      ],
    ],
    [286, '{foo=bar\\t}', [['foo', '=', 'bar\\t']]],
    [294, '{foo=bar\\n}', [['foo', '=', 'bar\n']]],
    [302, '{foo=bar\\}', [['foo', '=', 'bar\\']]],
    [310, '{foo=bar\\\\}', [['foo', '=', 'bar\\']]],
    [318, '{foo=bar\\"}', [['foo', '=', 'bar"']]],
    [326, 'job=', [['job', '=', '']]],
    [386, '{foo=', [['foo', '=', '']]],
    [394, '{foo=}b', [['foo', '=', '}b']]],
  ];
  for (const [line, input, want] of ok) {
    it(`parses ${JSON.stringify(input)} (${AM}:${line})`, () => {
      expect(list(input)).toEqual(want);
    });
  }

  const bad: [line: number, input: string, message: RegExp][] = [
    [32, ',', /malformed matcher ""/],
    [36, '{,}', /malformed matcher ""/],
    [333, 'job="value', /route\.matchers\[0\]: the value of matcher "job=\\"value" opens a double quote/],
    [337, 'job=value"', /unescaped double quote/],
    [341, 'trickier==\\\\=\\=\\""', /unescaped double quote/],
    [345, 'contains_unescaped_quote = foo"bar', /unescaped double quote/],
    [349, '{invalid-name = "valid label"}', /malformed matcher "invalid-name = \\"valid label\\""/],
    [
      353,
      '{foo=~"invalid[regexp"}',
      /invalid regular expression for foo "invalid\[regexp": missing closing \]/,
    ],
    [358, '"{foo=\\"bar"}', /malformed matcher/],
    [362, '"foo=\\"bar"', /malformed matcher/],
    [366, '"foo=\\"bar\\""', /malformed matcher/],
    [370, '"foo=\\"bar\\"', /malformed matcher/],
    [374, '"{foo=\\"bar\\"}"', /malformed matcher/],
    [378, '"foo="bar""', /malformed matcher/],
    [382, '{{foo=', /malformed matcher "\{foo="/],
  ];
  for (const [line, input, message] of bad) {
    it(`refuses ${JSON.stringify(input)} naming it (${AM}:${line})`, () => {
      expect(() => list(input)).toThrow(message);
    });
  }
});

describe('matchers in configuration entries', () => {
  it('one entry may hold several matchers; the issue-14 case no longer loads as one matcher', () => {
    // Before: `foo=bar,dings!=bums` was one matcher foo = "bar,dings!=bums" that never matched.
    const ms = parseMatchers(['foo=bar,dings!=bums', { name: 'site', value: 's1' }], 'route.matchers');
    expect(ms.map((m) => `${m.name}${m.op}${m.value}`)).toEqual(['foo=bar', 'dings!=bums', 'site=s1']);
  });
  it('names the entry that is malformed', () => {
    expect(() => parseMatchers(['a=1', 'b=="x', 'c=3'], 'route.routes[2].matchers')).toThrow(
      /route\.routes\[2\]\.matchers\[1\]: .*"b==\\"x"/,
    );
    expect(() => parseMatchers('a=1' as never, 'inhibit_rules[0].source_matchers')).toThrow(
      /inhibit_rules\[0\]\.source_matchers: expected a list/,
    );
    expect(() => parseMatchers([{ name: 'a-b', value: '1' }], 'silence.matchers')).toThrow(
      /silence\.matchers\[0\]\.name: expected a label name/,
    );
  });
});
