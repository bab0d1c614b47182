// Named time intervals with Alertmanager's meaning (timeinterval/timeinterval.go): each interval is a
// conjunction of optional parts (times, weekdays, days_of_month, months, years) read in its location;
// a named set contains an instant when any of its intervals does. Routes use them as
// `mute_time_intervals`, `active_time_intervals` and fieldops' `quiet_hours`.
import type { NamedTimeIntervalConfig, TimeIntervalConfig, TimeIntervalsConfig } from '../config-types.js';
import { NotifyConfigError } from '../errors.js';

/** An inclusive range of integers. */
type Range = readonly [number, number];

/** One compiled interval: every present part must contain the instant. */
export interface TimeInterval {
  /** Minute-of-day ranges, end exclusive. */
  readonly times?: readonly Range[];
  /** Weekday ranges, 0 = Sunday. */
  readonly weekdays?: readonly Range[];
  /** Day-of-month ranges; negative counts from the end of the month (-1 = last day). */
  readonly daysOfMonth?: readonly Range[];
  /** Month ranges, 1 = January. */
  readonly months?: readonly Range[];
  readonly years?: readonly Range[];
  /** IANA zone the parts are read in; UTC when absent. */
  readonly location: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
// timeinterval.go validTime: HH:MM from 00:00 to 23:59, or 24:00.
const CLOCK = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

function named(list: readonly string[], text: string, what: string, field: string, offset: number): number {
  const t = text.trim().toLowerCase();
  // Full names as in Alertmanager; three-letter forms as fieldops accepted before.
  const i = list.findIndex((n) => n === t || (t.length === 3 && n.startsWith(t)));
  if (i < 0) throw new NotifyConfigError(`${field}: ${JSON.stringify(text)} is not a valid ${what}`);
  return i + offset;
}

function integer(text: string, what: string, field: string): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new NotifyConfigError(`${field}: ${JSON.stringify(text)} is not a valid ${what}`);
  }
  return Number(text);
}

/** Splits `a:b` (or `a`) into its two ends; a negative number's `-` is not a separator. */
function ends(input: unknown, field: string): [string, string] {
  if (typeof input !== 'string' && typeof input !== 'number') {
    throw new NotifyConfigError(`${field}: expected a value or a range such as "1:5"`);
  }
  const parts = String(input).split(':');
  if (parts.length > 2)
    throw new NotifyConfigError(`${field}: couldn't parse range ${JSON.stringify(input)}`);
  return [parts[0] as string, (parts[1] ?? parts[0]) as string];
}

function list<T>(input: unknown, field: string, each: (v: unknown, f: string) => T): T[] {
  if (!Array.isArray(input)) throw new NotifyConfigError(`${field}: expected a list`);
  return input.map((v, i) => each(v, `${field}[${i}]`));
}

function parseWeekdays(v: unknown, f: string): Range {
  const [a, b] = ends(v, f);
  const r: Range = [named(WEEKDAYS, a, 'weekday', f, 0), named(WEEKDAYS, b, 'weekday', f, 0)];
  if (r[0] > r[1]) {
    throw new NotifyConfigError(
      `${f}: start day cannot be after end day (weeks run sunday..saturday); list both parts, e.g. ['saturday', 'sunday']`,
    );
  }
  return r;
}

function parseDaysOfMonth(v: unknown, f: string): Range {
  const [a, b] = ends(v, f);
  const r: Range = [integer(a, 'day of the month', f), integer(b, 'day of the month', f)];
  for (const d of r) {
    if (d === 0 || d < -31 || d > 31) {
      throw new NotifyConfigError(
        `${f}: ${d} is not a valid day of the month: out of range (1..31 or -31..-1)`,
      );
    }
  }
  if (r[0] < 0 && r[1] > 0)
    throw new NotifyConfigError(`${f}: end day must be negative if start day is negative`);
  // Negative days counted on a 28-day month: a range always empty is refused (timeinterval.go).
  const check = (d: number) => (d < 0 ? 28 + d : d);
  if (check(r[0]) > check(r[1])) {
    throw new NotifyConfigError(`${f}: end day ${r[1]} is always before start day ${r[0]}`);
  }
  return r;
}

function month(text: string, f: string): number {
  if (/^\d+$/.test(text.trim())) {
    const n = Number(text);
    if (n < 1 || n > 12) throw new NotifyConfigError(`${f}: ${text} is not a valid month (1..12)`);
    return n;
  }
  return named(MONTHS, text, 'month', f, 1);
}

function parseMonths(v: unknown, f: string): Range {
  const [a, b] = ends(v, f);
  const r: Range = [month(a, f), month(b, f)];
  if (r[0] > r[1]) {
    throw new NotifyConfigError(
      `${f}: end month ${MONTHS[r[1] - 1]} is before start month ${MONTHS[r[0] - 1]}`,
    );
  }
  return r;
}

function parseYears(v: unknown, f: string): Range {
  const [a, b] = ends(v, f);
  const r: Range = [integer(a, 'year', f), integer(b, 'year', f)];
  if (r[0] < 0) throw new NotifyConfigError(`${f}: ${r[0]} is not a valid year`);
  if (r[0] > r[1]) throw new NotifyConfigError(`${f}: end year ${r[1]} is before start year ${r[0]}`);
  return r;
}

function clock(text: unknown, f: string): number {
  if (typeof text !== 'string' || !CLOCK.test(text)) {
    throw new NotifyConfigError(
      `${f}: couldn't parse timestamp ${JSON.stringify(text)}, expected HH:MM (00:00..24:00)`,
    );
  }
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
}

/** `location`: an IANA zone (`UTC` included). */
export function checkLocation(location: unknown, field: string): string {
  if (typeof location !== 'string' || location === '' || location === 'Local') {
    throw new NotifyConfigError(`${field}: expected an IANA time zone such as Asia/Bangkok or UTC`);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: location }).resolvedOptions().timeZone;
  } catch {
    throw new NotifyConfigError(`${field}: unknown IANA time zone ${location}`);
  }
}

const PART_KEYS = new Set(['times', 'weekdays', 'days_of_month', 'months', 'years', 'location']);

/**
 * Compiles one interval as written. `times` take Alertmanager's `{start_time, end_time}` (start before
 * end); fieldops' older `{start, end}` may wrap past midnight, which becomes two intervals (the morning
 * part on the following weekday).
 */
export function compileTimeInterval(
  ti: TimeIntervalConfig,
  field: string,
  defaultLocation = 'UTC',
): TimeInterval[] {
  if (typeof ti !== 'object' || ti === null || Array.isArray(ti)) {
    throw new NotifyConfigError(`${field}: expected an interval such as { weekdays: ['monday:friday'] }`);
  }
  const unknown = Object.keys(ti).find((k) => !PART_KEYS.has(k));
  if (unknown !== undefined) {
    throw new NotifyConfigError(
      `${field}.${unknown}: unknown key (expected times, weekdays, days_of_month, months, years, location)`,
    );
  }
  const base = {
    ...(ti.weekdays !== undefined ? { weekdays: list(ti.weekdays, `${field}.weekdays`, parseWeekdays) } : {}),
    ...(ti.days_of_month !== undefined
      ? { daysOfMonth: list(ti.days_of_month, `${field}.days_of_month`, parseDaysOfMonth) }
      : {}),
    ...(ti.months !== undefined ? { months: list(ti.months, `${field}.months`, parseMonths) } : {}),
    ...(ti.years !== undefined ? { years: list(ti.years, `${field}.years`, parseYears) } : {}),
    location: ti.location !== undefined ? checkLocation(ti.location, `${field}.location`) : defaultLocation,
  };
  if (ti.times === undefined) return [base];
  const plain: Range[] = [];
  const wrapped: Range[] = [];
  list(ti.times, `${field}.times`, (r, f) => {
    const rc = (r ?? {}) as Record<string, unknown>;
    const legacy = 'start' in rc || 'end' in rc;
    if (legacy && ('start_time' in rc || 'end_time' in rc)) {
      throw new NotifyConfigError(`${f}: write either start_time/end_time or start/end, not both`);
    }
    const [sk, ek] = legacy ? ['start', 'end'] : ['start_time', 'end_time'];
    if (rc[sk] === undefined || rc[ek] === undefined) {
      throw new NotifyConfigError(`${f}: both ${sk} and ${ek} must be provided`);
    }
    const start = clock(rc[sk], `${f}.${sk}`);
    const end = clock(rc[ek], `${f}.${ek}`);
    if (start === end || (!legacy && start > end)) {
      throw new NotifyConfigError(
        `${f}: ${sk} must be before ${ek} (a range ends before midnight; 24:00 is allowed)`,
      );
    }
    if (start < end) plain.push([start, end]);
    else wrapped.push([start, end]);
  });
  const out: TimeInterval[] = plain.length > 0 ? [{ ...base, times: plain }] : [];
  if (wrapped.length > 0) {
    if (base.daysOfMonth || base.months || base.years) {
      throw new NotifyConfigError(
        `${field}.times: a range that wraps past midnight cannot be combined with days_of_month, months or years; write two ranges with start_time/end_time`,
      );
    }
    // Evening part on the interval's days, morning part on the day after each of them.
    out.push({ ...base, times: wrapped.map(([s]) => [s, 1440] as Range) });
    const next = base.weekdays?.flatMap(([a, b]) => {
      const days: Range[] = [];
      for (let d = a; d <= b; d++) days.push([(d + 1) % 7, (d + 1) % 7]);
      return days;
    });
    out.push({
      ...base,
      ...(next ? { weekdays: next } : {}),
      times: wrapped.map(([, e]) => [0, e] as Range),
    });
  }
  return out;
}

/** Compiles `time_intervals` in either form: fieldops' record or Alertmanager's list of `{ name, time_intervals }`. */
export function compileTimeIntervals(
  config: Record<string, TimeIntervalsConfig> | readonly NamedTimeIntervalConfig[] | undefined,
): Map<string, TimeInterval[]> {
  const out = new Map<string, TimeInterval[]>();
  if (config === undefined) return out;
  if (Array.isArray(config)) {
    config.forEach((entry, i) => {
      const field = `time_intervals[${i}]`;
      if (typeof entry?.name !== 'string' || entry.name === '') {
        throw new NotifyConfigError(`${field}.name: missing name in time interval`);
      }
      if (out.has(entry.name))
        throw new NotifyConfigError(`${field}.name: time interval ${entry.name} is not unique`);
      out.set(
        entry.name,
        list(entry.time_intervals ?? [], `${field}.time_intervals`, (ti, f) =>
          compileTimeInterval(ti as TimeIntervalConfig, f),
        ).flat(),
      );
    });
    return out;
  }
  if (typeof config !== 'object' || config === null) {
    throw new NotifyConfigError(
      'time_intervals: expected a list of { name, time_intervals } or a record by name',
    );
  }
  for (const [name, set] of Object.entries(config as Record<string, TimeIntervalsConfig>)) {
    const field = `time_intervals.${name}`;
    const location = set.location !== undefined ? checkLocation(set.location, `${field}.location`) : 'UTC';
    out.set(
      name,
      list(set.intervals ?? [], `${field}.intervals`, (ti, f) =>
        compileTimeInterval(ti as TimeIntervalConfig, f, location),
      ).flat(),
    );
  }
  return out;
}

/** The calendar fields of an instant in a zone. */
interface Calendar {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastSeen = new Map<string, { minute: number; cal: Calendar }>();
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function calendarOf(now: number, zone: string): Calendar {
  const minuteKey = Math.floor(now / 60_000);
  const cached = lastSeen.get(zone);
  if (cached?.minute === minuteKey) return cached.cal;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(now)) p[part.type] = part.value;
  const year = Number(p.year);
  const month = Number(p.month);
  const cal: Calendar = {
    year,
    month,
    day: Number(p.day),
    weekday: SHORT_DAYS.indexOf(p.weekday as string),
    minute: Number(p.hour) * 60 + Number(p.minute),
    // Calendar arithmetic only: the length of a month does not depend on the zone or on DST.
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
  lastSeen.set(zone, { minute: minuteKey, cal });
  return cal;
}

const inRanges = (v: number, ranges: readonly Range[] | undefined) =>
  ranges === undefined || ranges.some(([a, b]) => v >= a && v <= b);

function dayMatches(cal: Calendar, ranges: readonly Range[] | undefined): boolean {
  if (ranges === undefined) return true;
  const n = cal.daysInMonth;
  for (const [a, b] of ranges) {
    const begin = a < 0 ? n + a + 1 : a;
    const end = b < 0 ? n + b + 1 : b;
    // A start past the end of this month never matches; the end is clamped to the month.
    if (begin > n) continue;
    if (cal.day >= begin && cal.day <= Math.min(end, n)) return true;
  }
  return false;
}

/** True when the interval contains the instant (`now` in ms). */
export function intervalContains(ti: TimeInterval, now: number): boolean {
  const cal = calendarOf(now, ti.location);
  if (ti.times && !ti.times.some(([s, e]) => cal.minute >= s && cal.minute < e)) return false;
  if (!dayMatches(cal, ti.daysOfMonth)) return false;
  return inRanges(cal.month, ti.months) && inRanges(cal.weekday, ti.weekdays) && inRanges(cal.year, ti.years);
}

/** True when any interval of the set contains the instant. */
export function setContains(set: readonly TimeInterval[], now: number): boolean {
  return set.some((ti) => intervalContains(ti, now));
}
