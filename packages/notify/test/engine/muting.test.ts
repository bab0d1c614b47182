import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  advance,
  baseConfig,
  engineWithRecorders,
  event,
  gatewayEvent,
  useFakeClock,
} from '../support/helpers.js';

afterEach(() => vi.useRealTimers());
const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';

const backend = (status: 'down' | 'ok') =>
  event(
    'io.fieldops.rfid.backend.health_changed.v1',
    {
      base_url: 'http://10.0.0.5:8080',
      site_id: SITE as never,
      status,
      previous_status: status === 'down' ? 'ok' : 'down',
    },
    '/sites/site_01/rfid',
  );
const station = (state: 'offline' | 'online', id = 'stn_0001') =>
  event(
    state === 'offline' ? 'io.fieldops.rfid.station.offline.v1' : 'io.fieldops.rfid.station.online.v1',
    {
      station_id: id as never,
      site_id: SITE as never,
      state: state === 'offline' ? 'degraded' : 'online',
      previous_state: state === 'offline' ? 'online' : 'degraded',
      last_seen_at: null,
    },
    '/sites/site_01/rfid',
  );

describe('inhibit, silences and quiet hours in the engine', () => {
  it('a down RFID backend inhibits the station alerts of the same site', async () => {
    useFakeClock();
    const { engine, channels } = engineWithRecorders(
      baseConfig({
        inhibit_rules: [
          {
            source_matchers: ['alertname="RfidBackendUnhealthy"'],
            target_matchers: ['alertname="StationOffline"'],
            equal: ['site'],
          },
        ],
      }),
    );
    await engine.ingest(backend('down'));
    await engine.ingest(station('offline'));
    await advance(engine, 30_000);
    const texts = channels.whatsapp.sent.map((m) => m.text).join('\n');
    expect(texts).toContain('RFID backend');
    expect(texts).not.toContain('stn_0001');
    // The backend recovers: the station, still down, is notified at the next group interval.
    await engine.ingest(backend('ok'));
    await advance(engine, 300_000, 10_000);
    expect(channels.whatsapp.sent.map((m) => m.text).join('\n')).toContain('stn_0001');
    await engine.stop();
  });

  it('silences added and expired by API', async () => {
    useFakeClock();
    const { engine, channels } = engineWithRecorders(baseConfig());
    const s = await engine.addSilence({
      matchers: ['alertname="GatewayOffline"', `site="${SITE}"`],
      ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      created_by: 'somchai',
      comment: 'site visit',
    });
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000 + 600_000, 10_000);
    expect(channels.whatsapp.sent).toHaveLength(0);
    await engine.expireSilence(s.id);
    expect(engine.listSilences()[0]!.ends_at <= new Date().toISOString()).toBe(true);
    await advance(engine, 300_000, 10_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });

  it('quiet hours hold non-critical notifications until they end; critical goes through', async () => {
    // 23:00 in Bangkok.
    useFakeClock('2026-11-27T16:00:00Z');
    const { engine, channels } = engineWithRecorders(
      baseConfig({
        route: {
          receiver: 'oncall',
          group_by: ['alertname'],
          group_wait: '30s',
          group_interval: '5m',
          quiet_hours: ['night'],
        },
        time_intervals: {
          night: { location: 'Asia/Bangkok', intervals: [{ times: [{ start: '22:00', end: '07:00' }] }] },
        },
      }),
    );
    await engine.ingest(station('offline')); // degraded -> warning
    await engine.ingest(gatewayEvent('offline')); // critical
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent.map((m) => m.text).join()).toContain('Gateway');
    expect(channels.whatsapp.sent).toHaveLength(1);
    // Until 07:00 Bangkok (00:00 UTC) nothing about the station.
    await advance(engine, 8 * 3_600_000 - 31_000, 60_000);
    expect(channels.whatsapp.sent.map((m) => m.text).join()).not.toContain('stn_0001');
    await advance(engine, 300_000, 10_000);
    expect(channels.whatsapp.sent.map((m) => m.text).join()).toContain('stn_0001');
    await engine.stop();
  });

  it('quiet hours do not disturb the notification log: no early repeat when they end', async () => {
    // 21:50 in Bangkok.
    useFakeClock('2026-11-27T14:50:00Z');
    const { engine, channels } = engineWithRecorders(
      baseConfig({
        route: {
          receiver: 'oncall',
          group_by: ['alertname'],
          group_wait: '30s',
          group_interval: '5m',
          repeat_interval: '24h',
          quiet_hours: ['night'],
        },
        time_intervals: {
          night: { location: 'Asia/Bangkok', intervals: [{ times: [{ start: '22:00', end: '07:00' }] }] },
        },
      }),
    );
    await engine.ingest(station('offline'));
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    // Through the night and past 07:00: the unchanged alert is not news.
    await advance(engine, 10 * 3_600_000, 60_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });
});
