import type { Severity } from '@fieldops/contracts/notify/v1';
import type { TimeIntervalConfig, TimeIntervalsConfig } from '../config.js';
import { NotifyConfigError } from '../errors.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseDay(d: string, field: string): number {
  const i = DAYS.indexOf(d.trim().slice(0, 3).toLowerCase());
  if (i < 0) throw new NotifyConfigError(`${field}: expected a weekday such as mon, got "${d}"`);
  return i;
}

function parseClock(t: string, field: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t.trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59)
    throw new NotifyConfigError(`${field}: expected HH:MM, got "${t}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface CompiledInterval {
  days: Set<number> | undefined;
  ranges: { start: number; end: number }[] | undefined;
}

interface CompiledSet {
  formatter: Intl.DateTimeFormat;
  intervals: CompiledInterval[];
}

function compileInterval(ti: TimeIntervalConfig, field: string): CompiledInterval {
  let days: Set<number> | undefined;
  if (ti.weekdays) {
    days = new Set();
    for (const w of ti.weekdays) {
      const [a, b] = w.split(':');
      const from = parseDay(a as string, `${field}.weekdays`);
      const to = b === undefined ? from : parseDay(b, `${field}.weekdays`);
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    }
  }
  const ranges = ti.times?.map((r, i) => ({
    start: parseClock(r.start, `${field}.times[${i}].start`),
    end: parseClock(r.end, `${field}.times[${i}].end`),
  }));
  return { days, ranges };
}

/**
 * Quiet hours: named weekly intervals in an IANA time zone. While one of a route's intervals is
 * active, its non-critical notifications wait (the notification log is not written, so the next
 * flush after the interval sends them); `critical` bypasses quiet hours.
 */
export class QuietHours {
  private readonly sets = new Map<string, CompiledSet>();

  constructor(config: ReadonlyMap<string, TimeIntervalsConfig>) {
    for (const [name, set] of config) {
      this.sets.set(name, {
        formatter: new Intl.DateTimeFormat('en-US', {
          timeZone: set.location ?? 'UTC',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }),
        intervals: set.intervals.map((ti, i) =>
          compileInterval(ti, `time_intervals.${name}.intervals[${i}]`),
        ),
      });
    }
  }

  /** True when the named interval set contains `now`. */
  isActive(name: string, now: number): boolean {
    const set = this.sets.get(name);
    if (!set) return false;
    let weekday = 0;
    let minutes = 0;
    for (const p of set.formatter.formatToParts(now)) {
      if (p.type === 'weekday') weekday = DAYS.indexOf(p.value.slice(0, 3).toLowerCase());
      else if (p.type === 'hour') minutes += Number(p.value) * 60;
      else if (p.type === 'minute') minutes += Number(p.value);
    }
    const yesterday = (weekday + 6) % 7;
    for (const iv of set.intervals) {
      if (!iv.ranges) {
        if (!iv.days || iv.days.has(weekday)) return true;
        continue;
      }
      for (const r of iv.ranges) {
        if (r.start <= r.end) {
          if ((!iv.days || iv.days.has(weekday)) && minutes >= r.start && minutes < r.end) return true;
        } else {
          // Wraps past midnight: the evening part belongs to today, the morning part to yesterday's interval.
          if ((!iv.days || iv.days.has(weekday)) && minutes >= r.start) return true;
          if ((!iv.days || iv.days.has(yesterday)) && minutes < r.end) return true;
        }
      }
    }
    return false;
  }

  /** True when a notification of this severity waits because of one of `names`. */
  mutes(names: readonly string[], severity: Severity, now: number): boolean {
    if (severity === 'critical' || names.length === 0) return false;
    for (const n of names) if (this.isActive(n, now)) return true;
    return false;
  }
}
