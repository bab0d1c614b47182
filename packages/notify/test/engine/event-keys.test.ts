// Ingest dedup across restarts when the alert's document carries the event key (decision 0048): an
// ingest writes one document; a key its alert stops carrying (a newer event, the alert dropped) gets a
// document of its own, so a re-sent event is a duplicate after a restart in every case.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import { advance, baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const config = baseConfig({ event_key_ttl: '1h' });

/** A new process on the same store, started. */
async function restart(store: MemoryNotifyStore) {
  const next = engineWithRecorders(config, { store });
  await next.engine.start();
  return next;
}

describe('event keys carried by alert documents', () => {
  it('writes one document per new alert, and a re-sent event is a duplicate after a restart', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config, { store });
    const events = ['0016c001ff10a001', '0016c001ff10a002', '0016c001ff10a003'].map((eui) =>
      gatewayEvent('offline', eui),
    );
    for (const e of events) expect((await a.engine.ingest(e)).kind).toBe('alert');
    expect(store.count('alerts')).toBe(3);
    expect(store.count('events')).toBe(0);
    await a.engine.stop();

    const b = await restart(store);
    for (const e of events) expect((await b.engine.ingest(e)).kind).toBe('duplicate');
    await b.engine.stop();
  });

  it('gives the earlier key its own document when a newer event changes the alert', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config, { store });
    const offline = gatewayEvent('offline');
    const online = gatewayEvent('online');
    await a.engine.ingest(offline);
    await a.engine.ingest(online);
    // The alert's document carries the online event's key; the offline event's key has its own.
    expect(store.count('events')).toBe(1);
    await a.engine.stop();

    const b = await restart(store);
    // Re-sent out of order after the restart: neither re-fires the resolved alert.
    expect((await b.engine.ingest(offline)).kind).toBe('duplicate');
    expect((await b.engine.ingest(online)).kind).toBe('duplicate');
    expect(b.engine.inspect().alerts.map((r) => r.status)).toEqual(['resolved']);
    await b.engine.stop();
  });

  it('keeps the key of a dropped alert in a document of its own until it expires', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config, { store });
    const offline = gatewayEvent('offline');
    const online = gatewayEvent('online');
    await a.engine.ingest(offline);
    await advance(a.engine, 30_000);
    await a.engine.ingest(online);
    // The resolved notice goes out with the next flush, which drops the alert and its document.
    await advance(a.engine, 5 * 60_000, 10_000);
    expect(store.count('alerts')).toBe(0);
    expect(store.count('events')).toBe(2);
    await a.engine.stop();

    const b = await restart(store);
    expect((await b.engine.ingest(offline)).kind).toBe('duplicate');
    expect((await b.engine.ingest(online)).kind).toBe('duplicate');
    expect(b.engine.inspect().alerts).toHaveLength(0);
    // Past the TTL, housekeeping deletes the keys' documents and the same events count again.
    await advance(b.engine, 2 * 3_600_000, 600_000);
    expect(store.count('events')).toBe(0);
    expect((await b.engine.ingest(offline)).kind).toBe('alert');
    await b.engine.stop();
  });

  it('forgets a carried key after its TTL, also across a restart', async () => {
    const store = new MemoryNotifyStore();
    const a = engineWithRecorders(config, { store });
    const offline = gatewayEvent('offline', '0016c001ff10a0ff');
    await a.engine.ingest(offline);
    await a.engine.stop();
    vi.setSystemTime(Date.now() + 3_600_000 + 1);

    const b = await restart(store);
    // The alert is still held (it fires), but its event's key expired: the event is taken again.
    expect((await b.engine.ingest(offline)).kind).toBe('alert');
    await b.engine.stop();
  });
});
