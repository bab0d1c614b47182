import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import { advance, baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const config = baseConfig({
  route: {
    receiver: 'oncall',
    group_by: ['alertname', 'site'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '4h',
    escalation: 'p',
    routes: [{ matchers: ['alertname="StationOffline"'], group_wait: '2m' }],
  },
  escalation_policies: [
    {
      name: 'p',
      levels: [
        { delay: '10m', receivers: ['lead'] },
        { delay: '10m', receivers: ['manager'] },
      ],
    },
  ],
});

describe('restart', () => {
  it('resumes pending groups, escalations and retries from the store', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config, { store });
    a.channels.email.respond = () => ({ ok: false, retryable: true, code: 'smtp_451', message: 'try later' });
    await a.engine.ingest(gatewayEvent('offline'));
    await advance(a.engine, 30_000);
    expect(a.channels.whatsapp.sent).toHaveLength(1);
    const code = a.channels.whatsapp.sent[0]!.ack_code!;
    const gatewayFp = a.channels.whatsapp.sent[0]!.alert_fingerprints[0]!;
    // A station alert waits in its 2-minute group when the process goes away.
    await a.engine.ingest({
      labels: { alertname: 'StationOffline', site: 'site_01', station_id: 'stn_0001' },
      severity: 'critical',
      status: 'firing',
      starts_at: new Date().toISOString(),
    });
    await advance(a.engine, 10 * 60_000, 10_000);
    // Level 0 (lead, WhatsApp) went out at +10 min.
    expect(a.channels.whatsapp.sent.filter((m) => m.to === '+66822222222')).toHaveLength(1);
    await a.engine.stop();
    expect(store.count('incidents')).toBe(2);

    // A new process: same store, fresh memory.
    const b = engineWithRecorders(config, { store });
    b.channels.email.respond = () => ({
      ok: false,
      retryable: true,
      code: 'smtp_421',
      message: 'slow down',
      retry_after_ms: 25_000,
    });
    await b.engine.start();
    expect(b.engine.inspect().groups).toHaveLength(2);
    await advance(b.engine, 10 * 60_000 + 10_000, 10_000);
    // Level 1 (manager, email) fired on schedule after the restart, and the email retry is pending.
    expect(b.channels.email.sent.filter((m) => m.to === 'arun@example.test').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(b.engine.inspect().deliveries.length).toBeGreaterThan(0);
    // The ack code from before the restart still works, and stops the pending retry.
    const r = await b.engine.acknowledge({ ack_code: code, by: 'somchai' });
    expect(r.cancelled_deliveries).toBeGreaterThan(0);
    const aboutGateway = () =>
      b.channels.email.sent.filter((m) => m.alert_fingerprints.includes(gatewayFp)).length;
    const sent = aboutGateway();
    await advance(b.engine, 3_600_000, 60_000);
    expect(aboutGateway()).toBe(sent);
    // The station alert was not acknowledged: its own escalation carried on to the manager.
    expect(b.channels.email.sent.some((m) => !m.alert_fingerprints.includes(gatewayFp))).toBe(true);
    await b.engine.stop();
  });

  it('keeps ingest idempotent across a restart', async () => {
    const store = new MemoryNotifyStore();
    const e = gatewayEvent('offline');
    const a = engineWithRecorders(config, { store });
    await a.engine.ingest(e);
    await a.engine.stop();
    const b = engineWithRecorders(config, { store });
    expect((await b.engine.ingest(e)).kind).toBe('duplicate');
    await b.engine.stop();
  });

  it('keeps silences, WhatsApp windows and the notification log across a restart', async () => {
    const store = new MemoryNotifyStore();
    const cfg = baseConfig({
      route: { receiver: 'oncall', group_by: ['alertname'], group_wait: '30s', repeat_interval: '4h' },
    });
    const a = engineWithRecorders(cfg, { store });
    await a.engine.addSilence({
      matchers: ['alertname="StationOffline"'],
      ends_at: new Date(Date.now() + 86_400_000).toISOString(),
      created_by: 'me',
    });
    await a.engine.recordInbound('+66811111111');
    await a.engine.ingest(gatewayEvent('offline'));
    await advance(a.engine, 30_000);
    expect(a.channels.whatsapp.sent).toHaveLength(1);
    await a.engine.stop();

    const b = engineWithRecorders(cfg, { store });
    await b.engine.start();
    expect(b.engine.listSilences()).toHaveLength(1);
    await b.engine.ingest({
      labels: { alertname: 'StationOffline', station_id: 'stn_1' },
      severity: 'critical',
      status: 'firing',
      starts_at: new Date().toISOString(),
    });
    // An hour later: the gateway group is not repeated (log kept), the station is silenced.
    await advance(b.engine, 3_600_000, 60_000);
    expect(b.channels.whatsapp.sent).toHaveLength(0);
    // The recipient's 24-hour window, opened before the restart, still allows free text.
    await b.engine.ingest({
      labels: { alertname: 'DeviceBatteryLow' },
      severity: 'warning',
      status: 'firing',
      starts_at: new Date().toISOString(),
    });
    await advance(b.engine, 30_000);
    expect(b.channels.whatsapp.sent).toHaveLength(1);
    expect(b.channels.whatsapp.sent[0]!.template).toBeUndefined();
    await b.engine.stop();
  });
});
