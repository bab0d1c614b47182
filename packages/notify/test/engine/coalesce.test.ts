// Concurrent ingests share a queue task (decision 0054): each caller still gets its own answer, an
// ingest never overtakes an operation queued before it, and nobody is answered before the writes of
// their input are in the store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotifyAckError, NotifyError } from '../../src/errors.js';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import type { StoreWrite } from '../../src/store/store.js';
import { baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const config = baseConfig();

describe('ingests in flight together', () => {
  it('answers each caller with its own result or its own error', async () => {
    const { engine } = engineWithRecorders(config);
    await engine.start();
    const good1 = gatewayEvent('offline', '0016c001ff10b001');
    const bad = { ...gatewayEvent('offline', '0016c001ff10b002'), specversion: '0.3' };
    const good2 = gatewayEvent('offline', '0016c001ff10b003');
    const [r1, r2, r3] = await Promise.allSettled([
      engine.ingest(good1),
      engine.ingest(bad as never),
      engine.ingest(good2),
    ]);
    expect(r1).toMatchObject({ status: 'fulfilled', value: { kind: 'alert', status: 'firing' } });
    expect(r2.status).toBe('rejected');
    const err = (r2 as PromiseRejectedResult).reason as NotifyError;
    expect(err).toBeInstanceOf(NotifyError);
    expect(err.code).toBe('input_invalid');
    expect(err.message).toContain('specversion');
    expect(r3).toMatchObject({ status: 'fulfilled', value: { kind: 'alert', status: 'firing' } });
    // The same event twice in one batch: the second is a duplicate of the first, as one by one.
    const again = gatewayEvent('offline', '0016c001ff10b004');
    const [first, second] = await Promise.all([engine.ingest(again), engine.ingest(again)]);
    expect([first.kind, second.kind]).toEqual(['alert', 'duplicate']);
    expect(engine.inspect().alerts).toHaveLength(3);
    await engine.stop();
  });

  it('never runs an ingest before an operation queued ahead of it', async () => {
    const { engine } = engineWithRecorders(config);
    await engine.start();
    const a = gatewayEvent('offline', '0016c001ff10c001');
    const b = gatewayEvent('offline', '0016c001ff10c002');
    const fpB = (await engineFingerprint(b)) as string;
    // Queued in this order without awaiting: ingest A, acknowledge B, ingest B. Were the second ingest
    // to join the first one's task, B would exist when the acknowledgement runs.
    const ingestA = engine.ingest(a);
    const ack = engine.acknowledge({ fingerprint: fpB, by: 'test' });
    const ingestB = engine.ingest(b);
    await expect(ack).rejects.toBeInstanceOf(NotifyAckError);
    expect((await ingestA).kind).toBe('alert');
    expect((await ingestB).kind).toBe('alert');
    await engine.stop();
  });

  it('answers nobody before the batch holding their writes is stored', async () => {
    const store = new FlakyStore();
    const { engine } = engineWithRecorders(config, { store });
    await engine.start();
    store.failNext = 1;
    const events = ['0016c001ff10d001', '0016c001ff10d002'].map((eui) => gatewayEvent('offline', eui));
    const results = await Promise.allSettled(events.map((e) => engine.ingest(e)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // The writes were kept and go with the next batch: nothing was lost.
    await engine.settle();
    expect(store.count('alerts')).toBe(2);
    await engine.stop();
  });
});

/** The fingerprint an event's alert gets (from a throwaway engine). */
async function engineFingerprint(e: ReturnType<typeof gatewayEvent>): Promise<string | undefined> {
  const { engine } = engineWithRecorders(config);
  const r = await engine.ingest(e);
  await engine.stop();
  return r.kind === 'alert' ? r.fingerprint : undefined;
}

/** A memory store whose next write(s) fail, as a database that drops the connection would. */
class FlakyStore extends MemoryNotifyStore {
  failNext = 0;
  override async write(batch: readonly StoreWrite[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection reset');
    }
    return super.write(batch);
  }
}
