import { describe, expect, it } from 'vitest';
import { normalizeConfig, type RouteNode } from '../config.js';
import type { AlertRecord } from '../types.js';
import { DedupStage } from './dedup.js';
import { decideFlush } from './flush-decision.js';
import { InhibitStage } from './inhibit.js';
import { MuteStage, TimeIntervalMuter } from './mute.js';
import { SilenceStage } from './silence.js';

// The flush decision on the real stages: no engine, no store; what it returns is what the engine persists.
const config = normalizeConfig({
  route: {
    receiver: 'r',
    repeat_interval: '1h',
    routes: [{ matchers: ['team="night"'], quiet_hours: ['always'] }],
  },
  receivers: [{ name: 'r', contacts: [{ name: 'c', chain: [{ channel: 'email', to: 'a@b.c' }] }] }],
  channels: { email: { host: 'h', port: 25, from: 'a@b.c' } },
  time_intervals: [{ name: 'always', time_intervals: [{}] }],
});
const NOW = Date.parse('2026-11-27T03:00:00Z');
const rec = (
  fp: string,
  labels: Record<string, string>,
  status: 'firing' | 'resolved' = 'firing',
): AlertRecord => ({
  fingerprint: fp,
  labels,
  annotations: {},
  severity: 'warning',
  status,
  starts_at: '2026-11-27T02:00:00Z',
  updated_at: 0,
});
function setup() {
  const silences = new SilenceStage();
  const dedup = new DedupStage();
  const muter = new MuteStage([new InhibitStage([]), silences, new TimeIntervalMuter(config.timeIntervals)]);
  return { silences, dedup, deps: { muter, dedup } };
}

describe('decideFlush (inhibit -> silence / time intervals -> dedup)', () => {
  it('shows what is not muted and returns the notification log entry; nothing new after it is recorded', () => {
    const { silences, dedup, deps } = setup();
    silences.put({
      id: 's',
      matchers: ['site="s2"'],
      starts_at: '2026-11-27T00:00:00Z',
      ends_at: '2026-11-28T00:00:00Z',
      created_by: 'me',
    });
    const a = rec('a', { site: 's1' });
    const b = rec('b', { site: 's2' });
    const d = decideFlush(deps, [a, b], config.root, 'r', 'g', NOW);
    expect(d.firing.map((r) => r.fingerprint)).toEqual(['a']);
    expect(d.nflog).toEqual({ receiver: 'r', group_key: 'g', firing: ['a'], resolved: [], at: NOW });
    dedup.record(d.nflog!);
    expect(decideFlush(deps, [a, b], config.root, 'r', 'g', NOW + 60_000).nflog).toBeUndefined();
    // repeat_interval (1h) passed: the receiver hears again.
    expect(decideFlush(deps, [a, b], config.root, 'r', 'g', NOW + 3_600_000).nflog).toBeDefined();
  });
  it('when every alert is muted the log stays as it was, and a resolved alert held by a time interval stays in the group', () => {
    const { silences, deps } = setup();
    const night = config.root.children[0] as RouteNode;
    const held = rec('h', { team: 'night' }, 'resolved');
    const firing = rec('f', { team: 'night' });
    const d = decideFlush(deps, [held, firing], night, 'r', 'g', NOW);
    expect(d.nflog).toBeUndefined();
    expect(d.removable).toEqual([]);
    // Silenced instead of time-held: the resolved alert leaves the group.
    silences.put({
      id: 's',
      matchers: ['team="night"'],
      starts_at: '2026-11-27T00:00:00Z',
      ends_at: '2026-11-28T00:00:00Z',
      created_by: 'me',
    });
    const root = config.root;
    expect(decideFlush(deps, [held], root, 'r', 'g', NOW).removable).toEqual(['h']);
  });
});
