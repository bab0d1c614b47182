import type { InhibitRule } from '../config.js';
import { matchAll } from '../matchers.js';
import type { AlertRecord } from '../types.js';

function equalKey(rule: InhibitRule, labels: Record<string, string>): string {
  let k = '';
  for (const n of rule.equal) k += `${labels[n] ?? ''}\u0001`;
  return k;
}

/** Firing source alerts of one rule with the same `equal` values. */
interface Sources {
  all: Set<string>;
  /** Sources that do not also match the target side. */
  oneSided: Set<string>;
}

/**
 * The inhibit stage: a firing alert matching a rule's source matchers mutes alerts matching its target
 * matchers when the `equal` labels have the same values. As in Alertmanager, an alert that matches both
 * sides of a rule can only be muted by a source that does not (so it never inhibits itself, and two
 * such alerts do not silence each other). Sources are indexed per rule by their `equal` values, so a
 * check is a map lookup, not a scan.
 */
export class InhibitStage {
  private readonly index: Map<string, Sources>[];

  constructor(private readonly rules: readonly InhibitRule[]) {
    this.index = rules.map(() => new Map());
  }

  /** Records an alert's current state (call on every change). */
  observe(alert: AlertRecord): void {
    this.rules.forEach((rule, i) => {
      if (!matchAll(rule.source, alert.labels)) return;
      const idx = this.index[i] as Map<string, Sources>;
      const k = equalKey(rule, alert.labels);
      let sources = idx.get(k);
      if (alert.status === 'firing') {
        if (!sources) {
          sources = { all: new Set(), oneSided: new Set() };
          idx.set(k, sources);
        }
        sources.all.add(alert.fingerprint);
        if (!matchAll(rule.target, alert.labels)) sources.oneSided.add(alert.fingerprint);
        else sources.oneSided.delete(alert.fingerprint);
      } else if (sources) {
        sources.all.delete(alert.fingerprint);
        sources.oneSided.delete(alert.fingerprint);
        if (sources.all.size === 0) idx.delete(k);
      }
    });
  }

  /** Forgets an alert. */
  forget(alert: AlertRecord): void {
    this.observe({ ...alert, status: 'resolved' });
  }

  /** True when a firing source alert inhibits this one. */
  isInhibited(alert: AlertRecord): boolean {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as InhibitRule;
      if (!matchAll(rule.target, alert.labels)) continue;
      const sources = (this.index[i] as Map<string, Sources>).get(equalKey(rule, alert.labels));
      if (!sources) continue;
      const set = matchAll(rule.source, alert.labels) ? sources.oneSided : sources.all;
      if (set.size > 1 || (set.size === 1 && !set.has(alert.fingerprint))) return true;
    }
    return false;
  }
}
