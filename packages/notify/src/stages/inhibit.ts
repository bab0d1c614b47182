import type { InhibitRule } from '../config.js';
import { matchAll } from '../matchers/index.js';
import type { AlertRecord } from '../types.js';
import type { Muter } from './mute.js';

function equalKey(rule: InhibitRule, labels: Record<string, string>): string {
  let k = '';
  for (const n of rule.equal) k += `${labels[n] ?? ''}\u0001`;
  return k;
}

/** What the index keeps of one firing source alert. */
interface Source {
  /** `ends_at` in ms (Infinity when open-ended): the source stops muting at that instant. */
  endsAt: number;
  /** The source does not also match the rule's target side. */
  oneSided: boolean;
}

/** Where an alert is recorded as a source: rule index and `equal` key. */
type Entry = readonly [rule: number, key: string];

/**
 * The inhibit stage: a firing alert matching a rule's source matchers mutes alerts matching its target
 * matchers when the `equal` labels have the same values. As in Alertmanager (inhibit/inhibit.go), a
 * source counts only while its `ends_at` is in the future at the time of the check, and an alert that
 * matches both sides of a rule can only be muted by a source that does not. Sources are indexed per
 * rule by their `equal` values; each alert's entries are remembered so a change of labels or severity
 * removes the old ones (no stale source keeps muting).
 */
export class InhibitStage implements Muter {
  readonly reason = 'inhibited' as const;
  private readonly index: Map<string, Map<string, Source>>[];
  private readonly entries = new Map<string, Entry[]>();

  constructor(private readonly rules: readonly InhibitRule[]) {
    this.index = rules.map(() => new Map());
  }

  /** Records an alert's current state (call on every change). */
  observe(alert: AlertRecord): void {
    if (this.rules.length === 0) return;
    this.remove(alert.fingerprint);
    if (alert.status !== 'firing') return;
    const endsAt = alert.ends_at !== undefined ? Date.parse(alert.ends_at) : Number.POSITIVE_INFINITY;
    const mine: Entry[] = [];
    this.rules.forEach((rule, i) => {
      if (!matchAll(rule.source, alert.labels)) return;
      const idx = this.index[i] as Map<string, Map<string, Source>>;
      const k = equalKey(rule, alert.labels);
      let sources = idx.get(k);
      if (!sources) {
        sources = new Map();
        idx.set(k, sources);
      }
      sources.set(alert.fingerprint, {
        endsAt: Number.isNaN(endsAt) ? Number.POSITIVE_INFINITY : endsAt,
        oneSided: !matchAll(rule.target, alert.labels),
      });
      mine.push([i, k]);
    });
    if (mine.length > 0) this.entries.set(alert.fingerprint, mine);
  }

  /** Forgets an alert. */
  forget(alert: AlertRecord): void {
    this.remove(alert.fingerprint);
  }

  private remove(fingerprint: string): void {
    const old = this.entries.get(fingerprint);
    if (!old) return;
    for (const [i, k] of old) {
      const idx = this.index[i] as Map<string, Map<string, Source>>;
      const sources = idx.get(k);
      sources?.delete(fingerprint);
      if (sources?.size === 0) idx.delete(k);
    }
    this.entries.delete(fingerprint);
  }

  /** True when a source alert, firing at `now` (its `ends_at` not passed), inhibits this one. */
  isInhibited(alert: AlertRecord, now: number): boolean {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as InhibitRule;
      if (!matchAll(rule.target, alert.labels)) continue;
      const sources = (this.index[i] as Map<string, Map<string, Source>>).get(equalKey(rule, alert.labels));
      if (!sources) continue;
      const twoSided = matchAll(rule.source, alert.labels);
      for (const [fp, src] of sources) {
        if (fp === alert.fingerprint || (twoSided && !src.oneSided)) continue;
        if (src.endsAt > now) return true;
      }
    }
    return false;
  }

  /** Muter: true when the alert is inhibited at `now`. */
  mutes(alert: AlertRecord, _route: unknown, now: number): boolean {
    return this.isInhibited(alert, now);
  }
}
