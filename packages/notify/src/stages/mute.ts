// Inhibition, silences and time intervals behind one interface (Alertmanager's notify.Muter): the mute
// step of the pipeline asks each muter in turn and the first that mutes gives the reason.
import type { RouteNode } from '../config.js';
import type { AlertRecord } from '../types.js';
import { setContains, type TimeInterval } from './time-intervals.js';

/**
 * Why an alert is not notified now. `quiet` (time intervals and quiet hours) holds notifications until
 * the interval ends: resolved alerts stay in their group so the first flush afterwards reports them.
 */
export type MuteReason = 'inhibited' | 'silenced' | 'quiet';

/** One reason not to notify an alert now. */
export interface Muter {
  readonly reason: MuteReason;
  /** True when this muter mutes the alert, routed by `route`, at `now` (ms). */
  mutes(alert: AlertRecord, route: RouteNode, now: number): boolean;
}

/** The muters in pipeline order: inhibit, then silences, then time intervals / quiet hours. */
export class MuteStage {
  constructor(readonly muters: readonly Muter[]) {}

  /** The reason of the first muter that mutes the alert, or undefined when it is notified. */
  why(alert: AlertRecord, route: RouteNode, now: number): MuteReason | undefined {
    for (const m of this.muters) if (m.mutes(alert, route, now)) return m.reason;
    return undefined;
  }
}

/**
 * Time-based muting of a route: its `mute_time_intervals` mute everything while one contains `now`,
 * its `active_time_intervals` mute everything while none does (Alertmanager's TimeMuteStage and
 * TimeActiveStage), and its `quiet_hours` mute all but `critical` while one contains `now`.
 */
export class TimeIntervalMuter implements Muter {
  readonly reason = 'quiet' as const;

  constructor(private readonly intervals: ReadonlyMap<string, readonly TimeInterval[]>) {}

  /** True when any of the named sets contains `now`. */
  anyContains(names: readonly string[], now: number): boolean {
    for (const n of names) {
      const set = this.intervals.get(n);
      if (set && setContains(set, now)) return true;
    }
    return false;
  }

  /** True when the route's time intervals (or quiet hours, for non-critical alerts) hold the alert now. */
  mutes(alert: AlertRecord, route: RouteNode, now: number): boolean {
    if (route.mute_time_intervals.length > 0 && this.anyContains(route.mute_time_intervals, now)) return true;
    if (route.active_time_intervals.length > 0 && !this.anyContains(route.active_time_intervals, now))
      return true;
    return (
      alert.severity !== 'critical' &&
      route.quiet_hours.length > 0 &&
      this.anyContains(route.quiet_hours, now)
    );
  }
}
