import { afterEach, describe, expect, it, vi } from 'vitest';
import { baseConfig, engineWithRecorders, event, gatewayEvent } from '../../test/support/helpers.js';
import { DEFAULT_SOURCES } from './index.js';

afterEach(() => vi.useRealTimers());
const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v' as never;
const run = (status: 'failed' | 'succeeded' | 'started') =>
  event(
    `io.fieldops.automation.run.${status}.v1`,
    {
      automation_run_id: 'run_01jf3t7x9k2m4n6p8q0r2s4t6v' as never,
      deployment_id: 'dep_01jf3t7x9k2m4n6p8q0r2s4t6v' as never,
      site_id: SITE,
      project: 'bkk-warehouse',
      status: status === 'started' ? 'running' : status,
      failed_step: status === 'failed' ? 'deploy_compose_stack' : undefined,
      bundle_url: 'https://kb.example.test/runs/1',
    },
    '/automation',
  );

describe('source adapters', () => {
  it('covers every event type of the contract', async () => {
    const { EVENT_TYPE_NAMES } = await import('@fieldops/contracts/events/v1');
    for (const t of EVENT_TYPE_NAMES) expect(DEFAULT_SOURCES[t], t).toBeTypeOf('function');
  });

  it('gateway offline fires and online resolves the same alert', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const a = await engine.ingest(gatewayEvent('offline'));
    const b = await engine.ingest(gatewayEvent('online'));
    expect(a).toMatchObject({ kind: 'alert', status: 'firing' });
    expect(b).toMatchObject({ kind: 'alert', status: 'resolved' });
    expect(a.kind === 'alert' && b.kind === 'alert' && a.fingerprint === b.fingerprint).toBe(true);
    expect(engine.inspect().alerts[0]!.labels).toMatchObject({
      alertname: 'GatewayOffline',
      type: 'io.fieldops.chirpstack.gateway.offline.v1',
      site: SITE,
      severity: 'critical',
    });
    await engine.stop();
  });

  it('a failed run fires per deployment and the next successful run resolves it; started notifies nobody', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    expect(await engine.ingest(run('started'))).toMatchObject({ kind: 'ignored' });
    const f = await engine.ingest(run('failed'));
    const s = await engine.ingest(run('succeeded'));
    expect(f.kind === 'alert' && s.kind === 'alert' && f.fingerprint === s.fingerprint).toBe(true);
    expect(engine.inspect().alerts[0]!.annotations).toMatchObject({
      failed_step: 'deploy_compose_stack',
      bundle_url: 'https://kb.example.test/runs/1',
    });
    await engine.stop();
  });

  it('an RFID station health condition fires, stays one alert while re-sent, and resolves', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const health = (status: 'firing' | 'resolved', value: number) =>
      event(
        'io.fieldops.rfid.station.health.v1',
        {
          station_id: 'stn_01jf3t7x9k2m4n6p8q0r2s4t6v' as never,
          site_id: SITE,
          condition: 'spool_backlog',
          status,
          value,
          threshold: 1000,
        },
        '/sites/x/rfid',
      );
    const a = await engine.ingest(health('firing', 4200));
    const again = await engine.ingest(health('firing', 5100));
    const r = await engine.ingest(health('resolved', 10));
    expect(a).toMatchObject({ kind: 'alert', status: 'firing' });
    expect(r).toMatchObject({ kind: 'alert', status: 'resolved' });
    expect(a.kind === 'alert' && again.kind === 'alert' && r.kind === 'alert').toBe(true);
    if (a.kind === 'alert' && again.kind === 'alert' && r.kind === 'alert') {
      expect(new Set([a.fingerprint, again.fingerprint, r.fingerprint]).size).toBe(1);
    }
    expect(engine.inspect().alerts[0]!.labels).toMatchObject({
      alertname: 'StationUnhealthy',
      condition: 'spool_backlog',
      severity: 'warning',
    });
    expect(
      await engine.ingest(
        event(
          'io.fieldops.site.agent.heartbeat.v1',
          {
            agent: '/sites/x/agent',
            started_at: '2026-11-30T10:00:00.000Z',
            sequence: 0,
            interval_s: 60,
            monitors: [],
          },
          '/sites/x/agent',
        ),
      ),
    ).toMatchObject({ kind: 'ignored' });
    await engine.stop();
  });

  it('device inactive and battery low become warnings', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    await engine.ingest(
      event('io.fieldops.chirpstack.device.inactive.v1', {
        dev_eui: '0011223344556677',
        site_id: SITE,
        last_seen_at: null,
        expected_uplink_interval_s: 900,
      }),
    );
    await engine.ingest(
      event('io.fieldops.chirpstack.device.battery_low.v1', {
        dev_eui: '0011223344556677',
        battery_level: 9,
        threshold: 15,
      }),
    );
    expect(engine.inspect().alerts.map((a) => [a.labels.alertname, a.severity])).toEqual([
      ['DeviceInactive', 'warning'],
      ['DeviceBatteryLow', 'warning'],
    ]);
    await engine.stop();
  });

  it('rejects input that breaks the contract, naming it; plain alerts are accepted', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const bad = { ...gatewayEvent('offline'), data: { gateway_eui: 'zz' } };
    await expect(engine.ingest(bad as never)).rejects.toMatchObject({ code: 'input_invalid' });
    await expect(engine.ingest(bad as never)).rejects.toThrow(
      /events\.v1 io\.fieldops\.chirpstack\.gateway\.offline\.v1: data\.gateway_eui/,
    );
    await expect(
      engine.ingest({ labels: {}, severity: 'info', status: 'firing', starts_at: 'now' } as never),
    ).rejects.toThrow(/notify\.v1\.Alert/);
    const ok = await engine.ingest({
      labels: { alertname: 'Custom' },
      severity: 'info',
      status: 'firing',
      starts_at: '2026-11-27T00:00:00Z',
    });
    expect(ok.kind).toBe('alert');
    await engine.stop();
  });
});
