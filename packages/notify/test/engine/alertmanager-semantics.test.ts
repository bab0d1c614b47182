import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NotifyConfig } from '../../src/config.js';
import { advance, baseConfig, engineWithRecorders, useFakeClock } from '../support/helpers.js';

// Alertmanager's semantics where users port their configs (issue 14 item 6), in the engine.
// Oracle: prometheus/alertmanager@68fb2d5; each test cites the file and line it follows.
afterEach(() => vi.useRealTimers());

const alert = (
  labels: Record<string, string>,
  severity: 'critical' | 'warning' | 'info' = 'warning',
  extra: { ends_at?: string; status?: 'firing' | 'resolved' } = {},
) => ({
  labels,
  severity,
  status: extra.status ?? ('firing' as const),
  starts_at: new Date().toISOString(),
  ...(extra.ends_at ? { ends_at: extra.ends_at } : {}),
});
const texts = (sent: { text: string }[]) => sent.map((m) => m.text).join('\n---\n');

describe('grouping by default', () => {
  it('a route without group_by puts every alert in one group (dispatch/route.go:37 DefaultRouteOpts.GroupBy is empty)', async () => {
    useFakeClock();
    const base = baseConfig();
    const { group_by: _drop, ...route } = base.route;
    const { engine, channels } = engineWithRecorders({ ...base, route });
    await engine.ingest(alert({ alertname: 'GatewayOffline', site: 's1' }));
    await engine.ingest(alert({ alertname: 'StationOffline', site: 's2' }));
    await advance(engine, 30_000);
    // One notification for both (with group_by ['alertname'] there would be two).
    expect(channels.whatsapp.sent).toHaveLength(1);
    expect(channels.whatsapp.sent[0]!.alert_fingerprints).toHaveLength(2);
    await engine.stop();
  });
});

describe('inhibition', () => {
  const rule = (source: string[]): Partial<NotifyConfig> => ({
    inhibit_rules: [
      { source_matchers: source, target_matchers: ['alertname="StationOffline"'], equal: ['site'] },
    ],
  });

  it('a source whose ends_at passed no longer mutes, even before its own group flushes (inhibit/inhibit.go hasEqual checks ResolvedAt(now); inhibit_test.go:79 "matching but already resolved")', async () => {
    useFakeClock();
    const base = baseConfig(rule(['alertname="RfidBackendUnhealthy"']));
    const config: NotifyConfig = {
      ...base,
      route: {
        ...base.route,
        // The backend's group flushes rarely: its alert is only marked resolved at that flush.
        routes: [{ matchers: ['alertname="RfidBackendUnhealthy"'], group_interval: '1h' }],
      },
    };
    const { engine, channels } = engineWithRecorders(config);
    await engine.ingest(
      alert({ alertname: 'RfidBackendUnhealthy', site: 's1' }, 'critical', {
        ends_at: new Date(Date.now() + 2 * 60_000).toISOString(),
      }),
    );
    await engine.ingest(alert({ alertname: 'StationOffline', site: 's1', station_id: 'stn_1' }));
    await advance(engine, 30_000);
    expect(texts(channels.whatsapp.sent)).not.toContain('StationOffline');
    // The backend's ends_at (+2 min) passed; the station's next flush (+5 min 30 s) notifies it.
    await advance(engine, 300_000, 10_000);
    expect(texts(channels.whatsapp.sent)).toContain('StationOffline');
    await engine.stop();
  });

  it('a source whose severity changes so it no longer matches stops muting at once (no stale entry)', async () => {
    useFakeClock();
    const { engine, channels } = engineWithRecorders(
      baseConfig(rule(['alertname="RfidBackendUnhealthy"', 'severity="critical"'])),
    );
    await engine.ingest(alert({ alertname: 'RfidBackendUnhealthy', site: 's1' }, 'critical'));
    await engine.ingest(alert({ alertname: 'StationOffline', site: 's1', station_id: 'stn_1' }));
    await advance(engine, 30_000);
    expect(texts(channels.whatsapp.sent)).not.toContain('StationOffline');
    // The backend is degraded, no longer critical: the same alert (same fingerprint), now a warning.
    await engine.ingest(alert({ alertname: 'RfidBackendUnhealthy', site: 's1' }, 'warning'));
    await advance(engine, 300_000, 10_000);
    expect(texts(channels.whatsapp.sent)).toContain('StationOffline');
    await engine.stop();
  });
});

describe('time intervals on routes', () => {
  const withIntervals = (routes: NotifyConfig['route']['routes']): NotifyConfig => {
    const base = baseConfig();
    return {
      ...base,
      route: { ...base.route, routes },
      time_intervals: [
        {
          name: 'bangkok-office',
          time_intervals: [
            {
              weekdays: ['monday:friday'],
              times: [{ start_time: '09:00', end_time: '17:00' }],
              location: 'Asia/Bangkok',
            },
          ],
        },
      ],
    };
  };

  it('mute_time_intervals hold every notification of the route (critical too) until the interval ends (notify/notify.go TimeMuteStage)', async () => {
    // Friday 2026-11-27 10:00 in Bangkok (03:00 UTC).
    useFakeClock('2026-11-27T03:00:00Z');
    const { engine, channels } = engineWithRecorders(
      withIntervals([{ matchers: ['site="s1"'], mute_time_intervals: ['bangkok-office'] }]),
    );
    await engine.ingest(alert({ alertname: 'GatewayOffline', site: 's1' }, 'critical'));
    await engine.ingest(alert({ alertname: 'GatewayOffline', site: 's2' }, 'critical'));
    await advance(engine, 30_000);
    expect(texts(channels.whatsapp.sent)).not.toMatch(/s1/);
    expect(channels.whatsapp.sent).toHaveLength(1); // s2 is on the root route
    // 17:00 in Bangkok is 10:00 UTC: the first flush after it sends the held notification.
    await advance(engine, 6 * 3_600_000 + 59 * 60_000, 60_000);
    expect(texts(channels.whatsapp.sent)).not.toMatch(/s1/);
    await advance(engine, 10 * 60_000, 60_000);
    expect(texts(channels.whatsapp.sent)).toMatch(/s1/);
    await engine.stop();
  });

  it('active_time_intervals send only inside the interval (notify/notify.go TimeActiveStage)', async () => {
    // Saturday 2026-11-28 10:00 in Bangkok: outside the office interval.
    useFakeClock('2026-11-28T03:00:00Z');
    const { engine, channels } = engineWithRecorders(
      withIntervals([{ matchers: ['site="s1"'], active_time_intervals: ['bangkok-office'] }]),
    );
    await engine.ingest(alert({ alertname: 'GatewayOffline', site: 's1' }, 'critical'));
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent).toHaveLength(0);
    // Monday 2026-11-30 09:00 Bangkok = 02:00 UTC, 47 h later.
    await advance(engine, 47 * 3_600_000, 5 * 60_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });

  it('the root route refuses time intervals; child routes do not inherit them (config.go:673-679; dispatch/route.go newRoute)', () => {
    const base = baseConfig();
    expect(() =>
      engineWithRecorders({
        ...withIntervals([]),
        route: { ...base.route, mute_time_intervals: ['bangkok-office'] },
      }),
    ).toThrow(/route\.mute_time_intervals: the root route must not have mute time intervals/);
    expect(() => engineWithRecorders(withIntervals([{ mute_time_intervals: ['nope'] }]))).toThrow(
      /route\.routes\[0\]\.mute_time_intervals\[0\]: undefined time interval "nope"/,
    );
    const { engine } = engineWithRecorders(
      withIntervals([{ mute_time_intervals: ['bangkok-office'], routes: [{ matchers: ['a="1"'] }] }]),
    );
    expect(engine.config.root.children[0]!.children[0]!.mute_time_intervals).toEqual([]);
  });
});
