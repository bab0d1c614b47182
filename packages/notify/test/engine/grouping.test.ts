import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('grouping (group_wait, group_interval, repeat_interval, resolved)', () => {
  it('waits group_wait, sends one message for the group, then resolves with the same fingerprint', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    const first = await engine.ingest(gatewayEvent('offline', '0016c001ff10a235'));
    const second = await engine.ingest(gatewayEvent('offline', '0016c001ff10a236'));
    expect(first.kind).toBe('alert');
    expect(second.kind === 'alert' && first.kind === 'alert' && second.groups).toEqual(
      first.kind === 'alert' && first.groups,
    );

    await advance(engine, 29_000);
    expect(channels.whatsapp.sent).toHaveLength(0);
    await advance(engine, 1_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    const msg = channels.whatsapp.sent[0]!;
    expect(msg.alert_fingerprints).toHaveLength(2);
    expect(msg.ack_code).toMatch(/^[A-Z2-9]{6}$/);

    const resolved = await engine.ingest(gatewayEvent('online', '0016c001ff10a235'));
    expect(resolved.kind === 'alert' && first.kind === 'alert' && resolved.fingerprint).toBe(
      first.kind === 'alert' && first.fingerprint,
    );
    // Next flush is one group_interval after the first.
    await advance(engine, 299_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await advance(engine, 1_000);
    expect(channels.whatsapp.sent).toHaveLength(2);
    expect(channels.whatsapp.sent[1]!.text).toContain('online again');
    await engine.stop();
  });

  it('does not repeat an unchanged group before repeat_interval, and repeats after it', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await advance(engine, 3 * 3_600_000, 60_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await advance(engine, 3_600_000, 60_000);
    expect(channels.whatsapp.sent).toHaveLength(2);
    await engine.stop();
  });

  it('drops a group once everything resolved and was told', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 300_000, 10_000);
    expect(channels.whatsapp.sent).toHaveLength(2);
    expect(engine.inspect().groups).toHaveLength(0);
    expect(engine.inspect().alerts).toHaveLength(0);
    expect(engine.inspect().scheduled).toBe(0);
    await engine.stop();
  });

  it('ingest is idempotent by source + id', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    const e = gatewayEvent('offline');
    expect((await engine.ingest(e)).kind).toBe('alert');
    expect((await engine.ingest(e)).kind).toBe('duplicate');
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });
});

describe('housekeeping', () => {
  it('forgets expired event keys, old silences and finished incidents, in memory and in the store', async () => {
    const { MemoryNotifyStore } = await import('../../src/store/memory-store.js');
    const store = new MemoryNotifyStore();
    const { engine } = engineWithRecorders(baseConfig({ event_key_ttl: '1h' }), { store });
    await engine.addSilence({
      matchers: ['site="x"'],
      ends_at: new Date(Date.now() + 60_000).toISOString(),
      created_by: 'me',
    });
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 30_000);
    const code = engine.inspect().incidents[0]!.ack_code;
    await engine.acknowledge({ ack_code: code, by: 'me' });
    await engine.ingest(gatewayEvent('online'));
    await advance(engine, 5 * 60_000, 10_000);
    expect(engine.inspect().alerts).toHaveLength(0);
    expect(store.count('events')).toBe(2);
    await advance(engine, 26 * 3_600_000, 600_000);
    expect(store.count('events')).toBe(0);
    expect(store.count('silences')).toBe(0);
    expect(store.count('incidents')).toBe(0);
    expect(engine.inspect().incidents).toHaveLength(0);
    await expect(engine.acknowledge({ ack_code: code, by: 'me' })).rejects.toMatchObject({
      code: 'unknown_ack_code',
    });
    await engine.stop();
  });
});

describe('resolution without a resolving event', () => {
  it('resolve_timeout resolves an alert nothing refreshed; ends_at resolves a plain alert when it passes', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig({ resolve_timeout: '1h' }));
    await engine.ingest(gatewayEvent('offline'));
    await engine.ingest({
      labels: { alertname: 'Maintenance', site: 'site_02' },
      severity: 'warning',
      status: 'firing',
      starts_at: new Date().toISOString(),
      ends_at: new Date(Date.now() + 20 * 60_000).toISOString(),
    });
    await advance(engine, 30_000);
    expect(channels.whatsapp.sent).toHaveLength(2);
    await advance(engine, 25 * 60_000, 60_000);
    expect(channels.whatsapp.sent.at(-1)!.text).toContain('✅');
    expect(channels.whatsapp.sent.at(-1)!.subject).toContain('Maintenance');
    await advance(engine, 40 * 60_000, 60_000);
    expect(channels.whatsapp.sent.at(-1)!.subject).toContain('RESOLVED');
    expect(channels.whatsapp.sent.at(-1)!.subject).toContain('GatewayOffline');
    expect(engine.inspect().alerts).toHaveLength(0);
    await engine.stop();
  });
});

describe('late events', () => {
  it('an alert that started more than group_wait ago is notified without waiting again', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    await engine.ingest({
      labels: { alertname: 'GatewayOffline', site: 'site_09' },
      severity: 'critical',
      status: 'firing',
      starts_at: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    await advance(engine, 1_000);
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });
});
