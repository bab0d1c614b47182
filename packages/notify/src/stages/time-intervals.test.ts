import { describe, expect, it } from 'vitest';
import type { TimeIntervalConfig } from '../config-types.js';
import { compileTimeInterval, compileTimeIntervals, setContains } from './time-intervals.js';

// Oracle: Alertmanager's time intervals, prometheus/alertmanager@68fb2d5 timeinterval/timeinterval.go
// and its tests timeinterval/timeinterval_test.go; each case cites the line of the case it ports.
const AM = 'prometheus/alertmanager@68fb2d5 timeinterval/timeinterval_test.go';
const F = 'time_intervals[0].time_intervals[0]';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Go's RFC822Z layout as the Alertmanager tests write instants: `02 Jan 06 15:04 -0700`. */
function rfc822z(text: string): number {
  const m = /^(\d{1,2}) (\w{3}) (\d{2}) (\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad test instant ${text}`);
  const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
  const utc = Date.UTC(
    2000 + Number(m[3]),
    MON.indexOf(m[2] as string),
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
  );
  return utc - offset * 60_000;
}
const contains = (ti: TimeIntervalConfig, text: string) =>
  setContains(compileTimeInterval(ti, F), rfc822z(text));

describe(`time intervals contain instants as in Alertmanager (${AM} timeIntervalTestCases)`, () => {
  const cases: [line: number, ti: TimeIntervalConfig, inside: string[], outside: string[]][] = [
    [33, {}, ['02 Jan 06 15:04 +0000', '03 Jan 07 10:04 +0000', '04 Jan 06 09:04 +0000'], []],
    [
      42,
      { times: [{ start_time: '09:00', end_time: '17:00' }], weekdays: ['monday:friday'] },
      ['04 May 20 15:04 +0000', '05 May 20 10:04 +0000', '09 Jun 20 09:04 +0000'],
      ['03 May 20 15:04 +0000', '04 May 20 08:59 +0000', '05 May 20 05:00 +0000'],
    ],
    [
      59,
      { days_of_month: ['4:6'], months: ['april'], years: ['2020'] },
      ['04 Apr 20 15:04 +0000', '05 Apr 20 00:00 +0000', '06 Apr 20 23:05 +0000'],
      [
        '03 May 18 15:04 +0000',
        '03 Apr 20 23:59 +0000',
        '04 Jun 20 23:59 +0000',
        '06 Apr 19 23:59 +0000',
        '07 Apr 20 00:00 +0000',
      ],
    ],
    [
      79,
      { days_of_month: ['-3:-1'] },
      [
        '31 Jan 20 15:04 +0000',
        '30 Jan 20 15:04 +0000',
        '29 Jan 20 15:04 +0000',
        '30 Jun 20 00:00 +0000',
        '29 Feb 20 23:05 +0000',
      ],
      [
        '03 May 18 15:04 +0000',
        '27 Jan 20 15:04 +0000',
        '03 Apr 20 23:59 +0000',
        '04 Jun 20 23:59 +0000',
        '06 Apr 19 23:59 +0000',
        '07 Apr 20 00:00 +0000',
        '01 Mar 20 00:00 +0000',
      ],
    ],
    // :101 builds -31:31 directly, a range the loader refuses (:397); -31:-1 and 29:31 reach the same clamping.
    [
      101,
      { months: ['6'], days_of_month: ['-31:-1'] },
      ['30 Jun 20 00:00 +0000', '01 Jun 20 00:00 +0000'],
      ['31 May 20 00:00 +0000', '1 Jul 20 00:00 +0000'],
    ],
    [
      101,
      { days_of_month: ['29:31'] },
      ['29 Feb 20 12:00 +0000', '31 Mar 21 12:00 +0000'],
      ['28 Feb 21 12:00 +0000', '01 Mar 21 00:00 +0000'],
    ],
    [
      116,
      {
        times: [{ start_time: '09:00', end_time: '17:00' }],
        weekdays: ['monday:friday'],
        location: 'Australia/Sydney',
      },
      ['06 Apr 21 13:00 +1000'],
      ['06 Apr 21 13:00 +0000'],
    ],
    [
      131,
      {
        times: [{ start_time: '09:00', end_time: '17:00' }],
        weekdays: ['monday:friday'],
        months: ['11'],
        location: 'Australia/Sydney',
      },
      ['01 Nov 21 09:00 +1100', '31 Oct 21 22:00 +0000'],
      ['31 Oct 21 21:00 +0000'],
    ],
    [
      147,
      { days_of_month: ['-1'], location: 'America/New_York' },
      ['31 Mar 21 12:00 -0400'],
      ['30 Mar 21 12:00 -0400'],
    ],
    [
      247,
      {
        weekdays: ['monday:friday', 'sunday'],
        months: ['january:march'],
        days_of_month: ['-7:-1'],
        years: ['2020:2025', '2030:2035'],
        times: [{ start_time: '09:00', end_time: '17:00' }],
      },
      [
        '27 Jan 21 09:00 +0000',
        '28 Jan 21 16:59 +0000',
        '29 Jan 21 13:00 +0000',
        '31 Mar 25 13:00 +0000',
        '31 Jan 35 13:00 +0000',
      ],
      ['30 Jan 21 13:00 +0000', '01 Apr 21 13:00 +0000', '30 Jan 26 13:00 +0000', '31 Jan 35 17:01 +0000'],
    ],
  ];
  for (const [line, ti, inside, outside] of cases) {
    it(`${JSON.stringify(ti)} (${AM}:${line})`, () => {
      for (const t of inside) expect(contains(ti, t), `${t} inside`).toBe(true);
      for (const t of outside) expect(contains(ti, t), `${t} outside`).toBe(false);
    });
  }
});

describe(`time intervals load as strictly as Alertmanager (${AM} timeStringTestCases, yamlUnmarshalTestCases)`, () => {
  const load = (ti: TimeIntervalConfig) => compileTimeInterval(ti, F);
  it('accepts 00:00 to 24:00 and a range in the middle of the day (:156, :161)', () => {
    expect(() => load({ times: [{ start_time: '00:00', end_time: '24:00' }] })).not.toThrow();
    expect(() => load({ times: [{ start_time: '01:35', end_time: '17:39' }] })).not.toThrow();
  });
  const bad: [line: number, ti: TimeIntervalConfig, message: RegExp][] = [
    [
      182,
      { times: [{ start_time: '17:31', end_time: '17:31' }] },
      /times\[0\]: start_time must be before end_time/,
    ],
    [
      188,
      { times: [{ start_time: '12:30', end_time: '24:01' }] },
      /times\[0\]\.end_time: couldn't parse timestamp "24:01"/,
    ],
    [
      194,
      { times: [{ start_time: '09:30', end_time: '07:41' }] },
      /times\[0\]: start_time must be before end_time/,
    ],
    [200, { times: [{ start_time: '24:00', end_time: '17:41' }] }, /times\[0\]/],
    [206, { times: [{ start_time: '14:03' }] }, /times\[0\]: both start_time and end_time must be provided/],
    [
      302,
      { times: [{ start_time: '01:99', end_time: '23:59' }] },
      /start_time: couldn't parse timestamp "01:99"/,
    ],
    [
      312,
      { times: [{ start_time: '00:00', end_time: '99:99' }] },
      /end_time: couldn't parse timestamp "99:99"/,
    ],
    [322, { weekdays: ['friday:monday'] }, /weekdays\[0\]: start day cannot be after end day/],
    [330, { weekdays: ['blurgsday:flurgsday'] }, /weekdays\[0\]: "blurgsday" is not a valid weekday/],
    [339, { weekdays: ['1:3'] }, /"1" is not a valid weekday/],
    [348, { weekdays: ['-2:-1'] }, /"-2" is not a valid weekday/],
    [357, { days_of_month: ['0'] }, /days_of_month\[0\]: 0 is not a valid day of the month: out of range/],
    [366, { days_of_month: ['-50:-20'] }, /-50 is not a valid day of the month: out of range/],
    [375, { days_of_month: ['1:50'] }, /50 is not a valid day of the month: out of range/],
    [397, { days_of_month: ['-15:5'] }, /end day must be negative if start day is negative/],
    [406, { days_of_month: ['10:-25'] }, /end day -25 is always before start day 10/],
    [443, { months: ['martius:june'] }, /"martius" is not a valid month/],
    [452, { months: ['march:junius'] }, /"junius" is not a valid month/],
    [461, { months: ['december:january'] }, /end month january is before start month december/],
    [470, { years: ['2022:2020'] }, /end year 2020 is before start year 2022/],
  ];
  for (const [line, ti, message] of bad) {
    it(`refuses ${JSON.stringify(ti)} naming the path (${AM}:${line})`, () => {
      expect(() => load(ti)).toThrow(message);
    });
  }
  it('accepts negative indices, months in any case and a location (:384, :415, :428)', () => {
    expect(() => load({ days_of_month: ['1:-1'] })).not.toThrow();
    expect(() => load({ months: ['January:december'] })).not.toThrow();
    expect(() => load({ years: ['2020:2022'], location: 'Australia/Sydney' })).not.toThrow();
    expect(() => load({ location: 'Mars/Olympus' })).toThrow(
      /location: unknown IANA time zone Mars\/Olympus/,
    );
  });
  it('names are unique and required (config_test.go TestMuteTimeNoDuplicates :377, TestTimeIntervalHasName :345)', () => {
    expect(() =>
      compileTimeIntervals([
        { name: 'a', time_intervals: [] },
        { name: 'a', time_intervals: [] },
      ]),
    ).toThrow(/time_intervals\[1\]\.name: time interval a is not unique/);
    expect(() => compileTimeIntervals([{ time_intervals: [] } as never])).toThrow(
      /time_intervals\[0\]\.name: missing name/,
    );
  });
});

describe("fieldops' older form keeps loading", () => {
  it('a start/end range may wrap past midnight; the morning part belongs to the next weekday', () => {
    const set = compileTimeInterval({ weekdays: ['friday'], times: [{ start: '22:00', end: '07:00' }] }, F);
    expect(setContains(set, Date.parse('2026-11-27T22:30:00Z'))).toBe(true); // Friday evening
    expect(setContains(set, Date.parse('2026-11-28T06:59:00Z'))).toBe(true); // Saturday morning
    expect(setContains(set, Date.parse('2026-11-27T06:59:00Z'))).toBe(false); // Friday morning
    expect(setContains(set, Date.parse('2026-11-28T22:30:00Z'))).toBe(false); // Saturday evening
    expect(() =>
      compileTimeInterval({ months: ['may'], times: [{ start: '22:00', end: '07:00' }] }, F),
    ).toThrow(/wraps past midnight cannot be combined with days_of_month, months or years/);
  });
});
