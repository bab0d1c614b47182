import { describe, expect, it } from 'vitest';
import { normalizeConfig, type RouteNode } from '../config.js';
import { parseMatchers } from '../matchers/index.js';
import type { AlertRecord } from '../types.js';
import { DedupStage } from './dedup.js';
import { InhibitStage } from './inhibit.js';
import { TimeIntervalMuter } from './mute.js';
import { SilenceStage } from './silence.js';

const rec = (
  fp: string,
  labels: Record<string, string>,
  status: 'firing' | 'resolved' = 'firing',
): AlertRecord => ({
  fingerprint: fp,
  labels,
  annotations: {},
  severity: (labels.severity as AlertRecord['severity']) ?? 'warning',
  status,
  starts_at: '2026-11-27T00:00:00Z',
  updated_at: 0,
});

describe('InhibitStage', () => {
  const stage = new InhibitStage([
    {
      source: parseMatchers(['alertname="RfidBackendUnhealthy"'], 's'),
      target: parseMatchers(['alertname=~"StationOffline|RfidBackendUnhealthy"'], 't'),
      equal: ['site'],
    },
  ]);
  it('mutes targets with equal labels while the source fires; never the source itself', () => {
    const backend = rec('b', { alertname: 'RfidBackendUnhealthy', site: 's1' });
    const station = rec('s', { alertname: 'StationOffline', site: 's1' });
    const elsewhere = rec('o', { alertname: 'StationOffline', site: 's2' });
    stage.observe(backend);
    expect(stage.isInhibited(station, 0)).toBe(true);
    expect(stage.isInhibited(elsewhere, 0)).toBe(false);
    expect(stage.isInhibited(backend, 0)).toBe(false);
    stage.observe({ ...backend, status: 'resolved' });
    expect(stage.isInhibited(station, 0)).toBe(false);
  });
});

describe('InhibitStage, alerts matching both sides', () => {
  it('two alerts that match both source and target do not inhibit each other; a one-sided source still does', () => {
    const stage = new InhibitStage([
      {
        source: parseMatchers(['severity=~"critical|warning"'], 's'),
        target: parseMatchers(['severity="warning"'], 't'),
        equal: ['site'],
      },
    ]);
    const w1 = rec('w1', { alertname: 'A', severity: 'warning', site: 's1' });
    const w2 = rec('w2', { alertname: 'B', severity: 'warning', site: 's1' });
    stage.observe(w1);
    stage.observe(w2);
    expect(stage.isInhibited(w1, 0)).toBe(false);
    expect(stage.isInhibited(w2, 0)).toBe(false);
    stage.observe(rec('c', { alertname: 'C', severity: 'critical', site: 's1' }));
    expect(stage.isInhibited(w1, 0)).toBe(true);
  });
});

describe('SilenceStage', () => {
  it('mutes matching alerts between start and end, and can be expired', () => {
    const s = new SilenceStage();
    s.put({
      id: 's1',
      matchers: ['site="s1"'],
      starts_at: '2026-11-27T01:00:00Z',
      ends_at: '2026-11-27T02:00:00Z',
      created_by: 'me',
    });
    const t = (iso: string) => Date.parse(iso);
    expect(s.isSilenced({ site: 's1' }, t('2026-11-27T00:59:59Z'))).toBe(false);
    expect(s.isSilenced({ site: 's1' }, t('2026-11-27T01:30:00Z'))).toBe(true);
    expect(s.isSilenced({ site: 's2' }, t('2026-11-27T01:30:00Z'))).toBe(false);
    s.expire('s1', t('2026-11-27T01:40:00Z'));
    expect(s.isSilenced({ site: 's1' }, t('2026-11-27T01:45:00Z'))).toBe(false);
    expect(() =>
      s.put({
        id: 'x',
        matchers: [],
        starts_at: '2026-11-27T01:00:00Z',
        ends_at: '2026-11-27T02:00:00Z',
        created_by: 'me',
      }),
    ).toThrow(/silence\.matchers/);
  });
});

describe("quiet hours (fieldops' older time interval form)", () => {
  const config = normalizeConfig({
    route: { receiver: 'r', routes: [{ quiet_hours: ['night'] }, { quiet_hours: ['weekend'] }] },
    receivers: [{ name: 'r', contacts: [{ name: 'c', chain: [{ channel: 'email', to: 'a@b.c' }] }] }],
    channels: { email: { host: 'h', port: 25, from: 'a@b.c' } },
    time_intervals: {
      night: { location: 'Asia/Bangkok', intervals: [{ times: [{ start: '22:00', end: '07:00' }] }] },
      weekend: { location: 'Asia/Bangkok', intervals: [{ weekdays: ['sat', 'sun'] }] },
    },
  });
  const muter = new TimeIntervalMuter(config.timeIntervals);
  const night = config.root.children[0] as RouteNode;
  const weekend = config.root.children[1] as RouteNode;
  const warning = rec('w', { alertname: 'A', severity: 'warning' });
  const at = (iso: string) => Date.parse(iso);
  it('uses the IANA zone, wraps past midnight and knows weekdays', () => {
    // 22:30 in Bangkok is 15:30 UTC.
    expect(muter.mutes(warning, night, at('2026-11-27T15:30:00Z'))).toBe(true);
    expect(muter.mutes(warning, night, at('2026-11-27T23:59:00Z'))).toBe(true); // 06:59 Bangkok
    expect(muter.mutes(warning, night, at('2026-11-28T00:00:00Z'))).toBe(false); // 07:00 Bangkok
    expect(muter.mutes(warning, night, at('2026-11-27T14:59:00Z'))).toBe(false); // 21:59 Bangkok
    // Friday 2026-11-27 23:30 UTC is Saturday 06:30 in Bangkok.
    expect(muter.mutes(warning, weekend, at('2026-11-27T23:30:00Z'))).toBe(true);
    expect(muter.mutes(warning, weekend, at('2026-11-27T10:00:00Z'))).toBe(false);
  });
  it('critical bypasses quiet hours', () => {
    const critical = rec('c', { alertname: 'A', severity: 'critical' });
    expect(muter.mutes(warning, night, at('2026-11-27T15:30:00Z'))).toBe(true);
    expect(muter.mutes(critical, night, at('2026-11-27T15:30:00Z'))).toBe(false);
  });
});

describe('DedupStage (notification log)', () => {
  it('notifies on new firing, on newly resolved, on all-resolved, and after repeat_interval', () => {
    const d = new DedupStage();
    const need = (f: string[], r: string[], now: number) => d.needsUpdate('rx', 'g', f, r, true, 1000, now);
    expect(need([], ['a'], 0)).toBe(false);
    expect(need(['a'], [], 0)).toBe(true);
    d.record({ receiver: 'rx', group_key: 'g', firing: ['a'], resolved: [], at: 0 });
    expect(need(['a'], [], 999)).toBe(false);
    expect(need(['a'], [], 1000)).toBe(true);
    expect(need(['a', 'b'], [], 10)).toBe(true);
    expect(need(['a'], ['b'], 10)).toBe(true);
    expect(need([], ['a'], 10)).toBe(true);
    d.record({ receiver: 'rx', group_key: 'g', firing: [], resolved: ['a'], at: 10 });
    expect(need([], ['a'], 20)).toBe(false);
    expect(d.needsUpdate('other', 'g', ['a'], [], true, 1000, 20)).toBe(true);
  });
});

describe('normalizeConfig', () => {
  const base = {
    route: { receiver: 'r' },
    receivers: [
      { name: 'r', contacts: [{ name: 'c', chain: [{ channel: 'email' as const, to: 'a@b.c' }] }] },
    ],
    channels: { email: { host: 'h', port: 25, from: 'a@b.c' } },
  };
  it('names the field that is wrong', () => {
    expect(() => normalizeConfig({ ...base, route: { receiver: 'nobody' } })).toThrow(
      /route\.receiver: unknown receiver nobody/,
    );
    expect(() => normalizeConfig({ ...base, route: { receiver: 'r', group_wait: '5 minutes' } })).toThrow(
      /route\.group_wait/,
    );
    expect(() =>
      normalizeConfig({
        ...base,
        receivers: [{ name: 'r', contacts: [{ name: 'c', chain: [{ channel: 'slack', to: 'x' }] }] }],
      }),
    ).toThrow(/receivers\[0\]\.contacts\[0\]\.chain\[0\]\.channel: channel slack is not configured/);
    expect(() => normalizeConfig({ ...base, route: { receiver: 'r', quiet_hours: ['night'] } })).toThrow(
      /route\.quiet_hours\[0\]: undefined time interval "night"/,
    );
    expect(() =>
      normalizeConfig({ ...base, time_intervals: { n: { location: 'Mars/Olympus', intervals: [] } } }),
    ).toThrow(/unknown IANA time zone/);
    expect(() =>
      normalizeConfig({ ...base, route: { receiver: 'r', routes: [{ matchers: ['a=~"("'] }] } }),
    ).toThrow(/invalid regular expression/);
    expect(() => normalizeConfig(base)).not.toThrow();
  });
});
