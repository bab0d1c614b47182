import { NotifyConfigError } from '../errors.js';
import { type Matcher, matchAll, parseMatchers } from '../matchers/index.js';
import type { Silence } from '../model.js';
import type { AlertRecord, Labels } from '../types.js';
import type { Muter } from './mute.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { Silence, SilenceInput } from '../model.js';

interface Compiled {
  silence: Silence;
  matchers: Matcher[];
  start: number;
  end: number;
}

/** The silence stage: alerts matching an active silence (start ≤ now < end) are not notified. */
export class SilenceStage implements Muter {
  readonly reason = 'silenced' as const;

  private readonly silences = new Map<string, Compiled>();

  /** Adds or replaces a silence; throws NotifyConfigError naming the bad field. */
  put(silence: Silence): Silence {
    const start = Date.parse(silence.starts_at);
    const end = Date.parse(silence.ends_at);
    if (Number.isNaN(start)) throw new NotifyConfigError('silence.starts_at: expected an RFC 3339 timestamp');
    if (Number.isNaN(end)) throw new NotifyConfigError('silence.ends_at: expected an RFC 3339 timestamp');
    if (end <= start) throw new NotifyConfigError('silence.ends_at: expected a time after starts_at');
    const matchers = parseMatchers(silence.matchers, 'silence.matchers');
    // A silence with no matcher would mute everything (an empty `{}` list counts as none).
    if (matchers.length === 0) throw new NotifyConfigError('silence.matchers: expected at least one matcher');
    this.silences.set(silence.id, { silence, matchers, start, end });
    return silence;
  }

  /** Ends a silence now; returns the updated silence or undefined when unknown. */
  expire(id: string, now: number): Silence | undefined {
    const c = this.silences.get(id);
    if (!c) return undefined;
    const endsAt = new Date(Math.max(now, c.start + 1)).toISOString();
    const updated = { ...c.silence, ends_at: endsAt };
    this.put(updated);
    return updated;
  }

  /** Every silence, active or not. */
  list(): Silence[] {
    return [...this.silences.values()].map((c) => c.silence);
  }

  /** Drops silences that ended before `before`; returns their ids. */
  prune(before: number): string[] {
    const ids: string[] = [];
    for (const [id, c] of this.silences) {
      if (c.end < before) {
        this.silences.delete(id);
        ids.push(id);
      }
    }
    return ids;
  }

  /** Muter: true when an active silence matches the alert's labels. */
  mutes(alert: AlertRecord, _route: unknown, now: number): boolean {
    return this.isSilenced(alert.labels, now);
  }

  /** True when an active silence matches the labels. */
  isSilenced(labels: Labels, now: number): boolean {
    for (const c of this.silences.values()) {
      if (c.start <= now && now < c.end && matchAll(c.matchers, labels)) return true;
    }
    return false;
  }
}
