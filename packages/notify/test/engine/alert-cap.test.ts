import type { Alert } from '@fieldops/contracts/notify/v1';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizeConfig } from '../../src/config.js';
import { advance, baseConfig, engineWithRecorders, useFakeClock } from '../support/helpers.js';

// Issue 11 item 16: notify kept every firing alert without a cap.

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const alert = (
  n: number,
  severity: Alert['severity'] = 'warning',
  status: Alert['status'] = 'firing',
): Alert => ({
  labels: { alertname: 'DeviceInactive', device: `dev-${n}`, site: 'site_01' },
  severity,
  status,
  starts_at: new Date().toISOString(),
});

describe('alert cap', () => {
  it('defaults to 50,000 and refuses nonsense', () => {
    expect(normalizeConfig(baseConfig()).maxAlerts).toBe(50_000);
    expect(() => normalizeConfig({ ...baseConfig(), max_alerts: 0 })).toThrow(/max_alerts/);
  });

  it('drops the oldest non-critical alerts past max_alerts and raises one meta-alert', async () => {
    const { engine, channels } = engineWithRecorders({ ...baseConfig(), max_alerts: 10 });
    await engine.ingest(alert(0, 'critical'));
    for (let i = 1; i <= 14; i++) await engine.ingest(alert(i));
    const held = engine.inspect().alerts;
    const devices = held.map((a) => a.labels.device).filter(Boolean);
    // 10 held, the meta-alert included: the critical one stays, devices 1..6 (the oldest warnings) went.
    expect(held).toHaveLength(10);
    expect(devices).toEqual(['dev-0', ...Array.from({ length: 8 }, (_, i) => `dev-${i + 7}`)]);
    const meta = held.filter((a) => a.labels.alertname === 'NotifyAlertsDropped');
    expect(meta).toHaveLength(1);
    expect(meta[0]!.annotations.summary).toMatch(
      /dropped 6 non-critical alerts: more than max_alerts \(10\)/,
    );
    // Critical alerts are never dropped, even past the cap.
    for (let i = 20; i < 25; i++) await engine.ingest(alert(i, 'critical'));
    expect(engine.inspect().alerts.filter((a) => a.severity === 'critical')).toHaveLength(6);
    // The on-call hears about it.
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent.some((m) => m.text.includes('NotifyAlertsDropped'))).toBe(true);
    await engine.stop();
  });

  it('holds a flood of critical alerts past the cap, then drops a warning that comes after it', async () => {
    const { engine } = engineWithRecorders({ ...baseConfig(), max_alerts: 10 });
    for (let i = 0; i < 15; i++) await engine.ingest(alert(i, 'critical'));
    // Nothing can be dropped: no meta-alert, every critical alert held.
    expect(engine.inspect().alerts.map((a) => a.labels.alertname)).toEqual(Array(15).fill('DeviceInactive'));
    await engine.ingest(alert(15));
    const held = engine.inspect().alerts;
    expect(held.some((a) => a.labels.device === 'dev-15')).toBe(false);
    expect(held.filter((a) => a.labels.alertname === 'NotifyAlertsDropped')).toHaveLength(1);
    await engine.stop();
  });

  it('frees resolved alerts once the notification that reports them is made', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    for (let i = 0; i < 50; i++) await engine.ingest(alert(i));
    await advance(engine, 30_000);
    for (let i = 0; i < 50; i++) await engine.ingest(alert(i, 'warning', 'resolved'));
    expect(engine.inspect().alerts).toHaveLength(50);
    await advance(engine, 5 * 60_000, 30_000);
    expect(channels.whatsapp.sent.at(-1)!.text).toMatch(/resolved|RESOLVED/i);
    expect(engine.inspect().alerts).toHaveLength(0);
    expect(engine.inspect().groups).toHaveLength(0);
    await engine.stop();
  });
});
