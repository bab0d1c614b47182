import { describe, expect, it } from 'vitest';
import { parseMatchers } from '../matchers/index.js';
import type { AlertRecord } from '../types.js';
import { InhibitStage } from './inhibit.js';

// Oracle: prometheus/alertmanager@68fb2d5 inhibit/inhibit_test.go; each case cites its line.
const AM = 'prometheus/alertmanager@68fb2d5 inhibit/inhibit_test.go';
const NOW = Date.parse('2026-11-27T03:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
let n = 0;
const rec = (labels: Record<string, string>, endsAt?: number): AlertRecord => ({
  fingerprint: `fp${++n}`,
  labels,
  annotations: {},
  severity: 'warning',
  status: 'firing',
  starts_at: iso(NOW - 60_000),
  ...(endsAt !== undefined ? { ends_at: iso(endsAt) } : {}),
  updated_at: 0,
});
const rule = (source: string[], target: string[], equal: string[]) =>
  new InhibitStage([{ source: parseMatchers(source, 's'), target: parseMatchers(target, 't'), equal }]);

describe(`inhibition decided at check time (${AM} TestInhibitRuleHasEqual)`, () => {
  // The target side matches everything (`a=~".*"`), so only the sources and `equal` decide.
  const any = ['a=~".*"'];
  it('no source alerts: not inhibited (:67)', () => {
    expect(rule(['s="1"'], any, []).isInhibited(rec({ a: 'b' }), NOW)).toBe(false);
  });
  it('no equal labels: any firing source inhibits (:73)', () => {
    const st = rule(['s="1"'], any, []);
    st.observe(rec({ s: '1' }));
    expect(st.isInhibited(rec({ a: 'b' }), NOW)).toBe(true);
  });
  it('matching sources whose ends_at passed do not inhibit (:79 "matching but already resolved")', () => {
    const st = rule(['s="1"'], any, ['a', 'b']);
    st.observe(rec({ s: '1', a: 'b', b: 'f' }, NOW - 1000));
    st.observe(rec({ s: '1', a: 'b', b: 'c' }, NOW - 1000));
    expect(st.isInhibited(rec({ a: 'b', b: 'c' }), NOW)).toBe(false);
  });
  it('one unresolved matching source is enough (:101 "matching and unresolved")', () => {
    const st = rule(['s="1"'], any, ['a']);
    st.observe(rec({ s: '1', a: 'b', c: 'd' }, NOW - 1000));
    st.observe(rec({ s: '1', a: 'b', c: 'f' }, NOW + 3_600_000));
    expect(st.isInhibited(rec({ a: 'b' }), NOW)).toBe(true);
    // The same source, checked after its ends_at, no longer mutes.
    expect(st.isInhibited(rec({ a: 'b' }), NOW + 3_600_000)).toBe(false);
  });
  it('equal label values must match (:123 "equal label does not match")', () => {
    const st = rule(['s="1"'], any, ['a']);
    st.observe(rec({ s: '1', a: 'c', c: 'd' }));
    expect(st.isInhibited(rec({ a: 'b' }), NOW)).toBe(false);
  });
});

describe(`inhibition follows the source's state (${AM} TestInhibit :463)`, () => {
  it('muted while the source is active, not once it resolved; the source is never muted', () => {
    const st = rule(['s="1"'], ['t="1"'], ['e']);
    const one = rec({ t: '1', e: 'f' }, NOW + 3_600_000);
    expect(st.isInhibited(one, NOW)).toBe(false);
    const two = rec({ s: '1', e: 'f' }, NOW + 3_600_000);
    st.observe(two);
    expect(st.isInhibited(one, NOW)).toBe(true);
    expect(st.isInhibited(two, NOW)).toBe(false);
    st.observe({ ...two, ends_at: iso(NOW - 1000) });
    expect(st.isInhibited(one, NOW)).toBe(false);
  });
  it('a source that changes so it no longer matches the source side stops muting (no stale entry)', () => {
    const st = rule(['s="1"', 'severity="critical"'], ['t="1"'], ['e']);
    const src = rec({ s: '1', e: 'f', severity: 'critical' });
    st.observe(src);
    const target = rec({ t: '1', e: 'f' });
    expect(st.isInhibited(target, NOW)).toBe(true);
    st.observe({ ...src, labels: { s: '1', e: 'f', severity: 'warning' } });
    expect(st.isInhibited(target, NOW)).toBe(false);
  });
});
