// The dead-man's switch: a site whose agent heartbeats stop raises SiteHeartbeatMissing, which
// resolves when they return; level-triggered, with the deadline in the store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotifyConfigError } from '../../src/errors.js';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import { advance, baseConfig, engineWithRecorders, event, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
let seq = 0;
const beat = (
  site: string = SITE,
  interval = 60,
  monitors: { name: string; ok: boolean; detail?: string }[] = [{ name: 'chirpstack', ok: true }],
) =>
  event(
    'io.fieldops.site.agent.heartbeat.v1',
    {
      site_id: site as never,
      agent: `agent-${site.slice(-4)}`,
      started_at: '2026-11-27T00:00:00Z',
      sequence: ++seq,
      interval_s: interval,
      monitors,
    },
    `/sites/${site}/agent`,
  );

const config = (heartbeats: object | null = { missing_after: '5m' }, extra: object = {}) =>
  baseConfig({
    route: { receiver: 'oncall', group_by: ['alertname', 'site'], group_wait: '0s', repeat_interval: '4h' },
    ...(heartbeats ? { heartbeats } : {}),
    ...extra,
  });

const missing = (engine: { inspect(): { alerts: { labels: Record<string, string>; status: string }[] } }) =>
  engine.inspect().alerts.filter((a) => a.labels.alertname === 'SiteHeartbeatMissing');

describe("dead-man's switch", () => {
  it('raises SiteHeartbeatMissing when a site falls silent for missing_after, and resolves it when heartbeats return', async () => {
    const { engine, channels } = engineWithRecorders(config());
    await engine.ingest(beat());
    // Heartbeats every minute keep it quiet.
    for (let i = 0; i < 10; i++) {
      await advance(engine, 60_000, 10_000);
      await engine.ingest(beat());
    }
    expect(missing(engine)).toHaveLength(0);
    expect(channels.whatsapp.sent).toHaveLength(0);
    // Silent: nothing before the 5 minutes are over, the alert right after.
    await advance(engine, 4 * 60_000 + 50_000, 10_000);
    expect(missing(engine)).toHaveLength(0);
    await advance(engine, 20_000, 10_000);
    expect(missing(engine)).toMatchObject([
      { status: 'firing', labels: { site: SITE, severity: 'critical' } },
    ]);
    expect(channels.whatsapp.sent).toHaveLength(1);
    expect(channels.whatsapp.sent[0]!.subject).toContain('SiteHeartbeatMissing');
    expect(channels.whatsapp.sent[0]!.text).toContain(`Site ${SITE}: no heartbeat for 300 s`);
    // Back: resolved (and the on-call told, send_resolved).
    for (let i = 0; i < 6; i++) {
      await engine.ingest(beat());
      await advance(engine, 60_000, 10_000);
    }
    expect(missing(engine).every((a) => a.status === 'resolved')).toBe(true);
    expect(channels.whatsapp.sent.at(-1)!.subject).toMatch(/^\[RESOLVED\] SiteHeartbeatMissing/);
    await engine.stop();
  });

  it('is level-triggered: the alert is asserted while the silence lasts, so resolve_timeout does not end it', async () => {
    const { engine, channels } = engineWithRecorders(
      config({ missing_after: '5m' }, { resolve_timeout: '10m' }),
    );
    await engine.ingest(beat());
    await advance(engine, 3 * 3_600_000, 60_000);
    expect(missing(engine)).toMatchObject([{ status: 'firing' }]);
    // One page, no resolved notification in between (a 10-minute resolve_timeout would have ended it).
    expect(channels.whatsapp.sent).toHaveLength(1);
    await engine.stop();
  });

  it('without missing_after, three of the intervals the agent declares', async () => {
    const { engine } = engineWithRecorders(config({}));
    await engine.ingest(beat(SITE, 120));
    await advance(engine, 5 * 60_000 + 50_000, 10_000);
    expect(missing(engine)).toHaveLength(0);
    await advance(engine, 20_000, 10_000);
    expect(missing(engine)).toHaveLength(1);
    await engine.stop();
  });

  it('each site has its own deadline', async () => {
    const other = 'site_01jf3t7x9k2m4n6p8q0r2s4t6w';
    const { engine } = engineWithRecorders(config());
    await engine.ingest(beat(SITE));
    await engine.ingest(beat(other));
    for (let i = 0; i < 8; i++) {
      await advance(engine, 60_000, 10_000);
      await engine.ingest(beat(other));
    }
    expect(missing(engine).map((a) => a.labels.site)).toEqual([SITE]);
    await engine.stop();
  });

  it('the deadline survives a restart: a site silent across it is raised on time by the next process', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config(), { store });
    await a.engine.ingest(beat());
    await advance(a.engine, 2 * 60_000, 10_000);
    await a.engine.stop();
    // A new process, no heartbeat since: the alert at the stored deadline (5 min after the heartbeat).
    const b = engineWithRecorders(config(), { store });
    await b.engine.start();
    await advance(b.engine, 2 * 60_000 + 50_000, 10_000);
    expect(missing(b.engine)).toHaveLength(0);
    await advance(b.engine, 20_000, 10_000);
    expect(missing(b.engine)).toMatchObject([{ status: 'firing' }]);
    expect(b.channels.whatsapp.sent).toHaveLength(1);
    await b.engine.stop();
    // A third process while it is still silent: still firing, not paged again; a heartbeat resolves it.
    const c = engineWithRecorders(config(), { store });
    await c.engine.start();
    await advance(c.engine, 30 * 60_000, 60_000);
    expect(missing(c.engine)).toMatchObject([{ status: 'firing' }]);
    expect(c.channels.whatsapp.sent).toHaveLength(0);
    await c.engine.ingest(beat());
    await advance(c.engine, 60_000, 10_000);
    expect(missing(c.engine).every((x) => x.status === 'resolved')).toBe(true);
    await c.engine.stop();
  });

  it('a deadline that passed while notify was down waits one missing_after, so queued heartbeats come first', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config(), { store });
    await a.engine.ingest(beat());
    await a.engine.stop();
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    const b = engineWithRecorders(config(), { store });
    await b.engine.start();
    // The heartbeats the bus kept while notify was down arrive.
    await advance(b.engine, 60_000, 10_000);
    await b.engine.ingest(beat());
    await advance(b.engine, 4 * 60_000 + 50_000, 10_000);
    expect(missing(b.engine)).toHaveLength(0);
    expect(b.channels.whatsapp.sent).toHaveLength(0);
    await b.engine.stop();
  });

  it('is off without the heartbeats key; an unknown key under it fails naming the contract and the path', async () => {
    const { engine } = engineWithRecorders(config(null));
    await engine.ingest(beat());
    await advance(engine, 3_600_000, 60_000);
    expect(missing(engine)).toHaveLength(0);
    await engine.stop();
    expect(() => engineWithRecorders(config({ missing_afer: '5m' }))).toThrow(NotifyConfigError);
    expect(() => engineWithRecorders(config({ missing_afer: '5m' }))).toThrow(
      /notify\.v1\.Config.*heartbeats/s,
    );
    expect(() => engineWithRecorders(config({ missing_after: '0s' }))).toThrow(
      /heartbeats\.missing_after: expected more than 0/,
    );
  });

  it('watches the expected sites from the start: one that never sends a heartbeat is raised after missing_after', async () => {
    const QUIET = 'site_01jf3t7x9k2m4n6p8q0r2s4tqq';
    const { engine, channels } = engineWithRecorders(
      config({ missing_after: '5m', expected_sites: [SITE, QUIET] }),
    );
    await engine.start();
    // SITE sends heartbeats; QUIET never does.
    for (let i = 0; i < 4; i++) {
      await engine.ingest(beat());
      await advance(engine, 60_000, 10_000);
    }
    expect(missing(engine)).toHaveLength(0);
    await advance(engine, 50_000, 10_000);
    await engine.ingest(beat());
    await advance(engine, 20_000, 10_000);
    // Five minutes after the start: QUIET only.
    expect(missing(engine)).toMatchObject([{ status: 'firing', labels: { site: QUIET } }]);
    expect(missing(engine)[0]!.labels.agent).toBeUndefined();
    expect(channels.whatsapp.sent).toHaveLength(1);
    expect(channels.whatsapp.sent[0]!.text).toContain(`Site ${QUIET}: no heartbeat since watching began`);
    // Its first heartbeat resolves it.
    await engine.ingest(beat(QUIET));
    await advance(engine, 10_000, 10_000);
    expect(missing(engine).map((a) => a.status)).toEqual(['resolved']);
    await engine.stop();
  });

  it('an expected site is watched across a restart before its first heartbeat too', async () => {
    const store = new MemoryNotifyStore();
    const QUIET = 'site_01jf3t7x9k2m4n6p8q0r2s4tqq';
    const cfg = config({ missing_after: '5m', expected_sites: [QUIET] });
    const a = engineWithRecorders(cfg, { store });
    await a.engine.start();
    await advance(a.engine, 3 * 60_000, 10_000);
    await a.engine.stop();
    // Back after one minute: the deadline counted from the first start stands (not reset by the restart).
    await vi.advanceTimersByTimeAsync(60_000);
    const b = engineWithRecorders(cfg, { store });
    await b.engine.start();
    await advance(b.engine, 50_000, 10_000);
    expect(missing(b.engine)).toHaveLength(0);
    await advance(b.engine, 20_000, 10_000);
    expect(missing(b.engine)).toMatchObject([{ status: 'firing', labels: { site: QUIET } }]);
    await b.engine.stop();
  });

  it('refuses expected_sites without missing_after, naming the path', () => {
    expect(() => engineWithRecorders(config({ expected_sites: [SITE] }))).toThrow(
      /heartbeats\.expected_sites: needs heartbeats\.missing_after/,
    );
  });

  it('a heartbeat reporting a monitor ok: false raises SiteMonitorFailing for it (warning), resolved when ok again; the site is not missing', async () => {
    const monitorAlerts = () =>
      engine.inspect().alerts.filter((a) => a.labels.alertname === 'SiteMonitorFailing');
    const { engine, channels } = engineWithRecorders(config());
    const broken = [
      { name: 'chirpstack', ok: false, detail: 'gRPC unavailable' },
      { name: 'mqtt', ok: true },
    ];
    await engine.ingest(beat(SITE, 60, broken));
    await advance(engine, 10_000, 10_000);
    expect(monitorAlerts()).toMatchObject([
      {
        status: 'firing',
        labels: { site: SITE, monitor: 'chirpstack', severity: 'warning', agent: `agent-${SITE.slice(-4)}` },
      },
    ]);
    expect(channels.whatsapp.sent).toHaveLength(1);
    expect(channels.whatsapp.sent[0]!.text).toContain(
      'monitor chirpstack reports a failure: gRPC unavailable',
    );
    // Still failing at the next heartbeats: one alert, one page (dedup), and the site is not missing.
    for (let i = 0; i < 3; i++) {
      await advance(engine, 60_000, 10_000);
      await engine.ingest(beat(SITE, 60, broken));
    }
    expect(monitorAlerts()).toHaveLength(1);
    expect(missing(engine)).toHaveLength(0);
    expect(channels.whatsapp.sent).toHaveLength(1);
    // Ok again: resolved (told at the group's next flush, one group_interval on).
    await engine.ingest(beat());
    await advance(engine, 10_000, 10_000);
    expect(monitorAlerts().map((a) => a.status)).toEqual(['resolved']);
    for (let i = 0; i < 6; i++) {
      await advance(engine, 60_000, 10_000);
      await engine.ingest(beat());
    }
    expect(channels.whatsapp.sent.at(-1)!.subject).toMatch(/^\[RESOLVED\] SiteMonitorFailing/);
    await engine.stop();
  });
});
