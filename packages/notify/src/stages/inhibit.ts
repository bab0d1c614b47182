import type { InhibitRule } from '../config.js';
import { matchAll } from '../matchers.js';
import type { AlertRecord } from '../types.js';

function equalKey(rule: InhibitRule, labels: Record<string, string>): string {
  let k = '';
  for (const n of rule.equal) k += `${labels[n] ?? ''}\u0001`;
  return k;
}

/**
 * The inhibit stage: a firing alert matching a rule's source matchers mutes alerts matching its target
 * matchers when the `equal` labels have the same values. An alert never inhibits itself. Sources are
 * indexed per rule by their `equal` values, so a check is a map lookup, not a scan.
 */
export class InhibitStage {
  private readonly index: Map<string, Set<string>>[];

  constructor(private readonly rules: readonly InhibitRule[]) {
    this.index = rules.map(() => new Map());
  }

  /** Records an alert's current state (call on every change). */
  observe(alert: AlertRecord): void {
    this.rules.forEach((rule, i) => {
      if (!matchAll(rule.source, alert.labels)) return;
      const idx = this.index[i] as Map<string, Set<string>>;
      const k = equalKey(rule, alert.labels);
      let set = idx.get(k);
      if (alert.status === 'firing') {
        if (!set) {
          set = new Set();
          idx.set(k, set);
        }
        set.add(alert.fingerprint);
      } else if (set) {
        set.delete(alert.fingerprint);
        if (set.size === 0) idx.delete(k);
      }
    });
  }

  /** Forgets an alert. */
  forget(alert: AlertRecord): void {
    this.observe({ ...alert, status: 'resolved' });
  }

  /** True when a firing source alert (other than this one) inhibits it. */
  isInhibited(alert: AlertRecord): boolean {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as InhibitRule;
      if (!matchAll(rule.target, alert.labels)) continue;
      const set = (this.index[i] as Map<string, Set<string>>).get(equalKey(rule, alert.labels));
      if (!set) continue;
      if (set.size > 1 || !set.has(alert.fingerprint)) return true;
    }
    return false;
  }
}
