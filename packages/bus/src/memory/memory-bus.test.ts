import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './memory-bus.js';

const msg = (id: string) => ({ subject: 'fieldops.test.v1', id, data: new Uint8Array(), headers: {} });

describe('in-process bus dedup window', () => {
  it('drops a repeated dedup id inside the window and accepts it again after the window, like JetStream', async () => {
    let now = 0;
    const bus = createMemoryBus({ dedupWindowMs: 100, clock: { now: () => now } });
    expect(await bus.publisher.publishBatch([msg('a'), msg('b')])).toEqual([
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
    ]);
    now = 50;
    expect(await bus.publisher.publishBatch([msg('a')])).toEqual([{ ok: true, duplicate: true }]);
    now = 150;
    expect(await bus.publisher.publishBatch([msg('a'), msg('b')])).toEqual([
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
    ]);
    expect(bus.messages()).toHaveLength(4);
    await bus.close();
  });

  it('takes the deprecated now when no clock is given, and ignores it beside a clock', async () => {
    let now = 0;
    const legacy = createMemoryBus({ dedupWindowMs: 100, now: () => now });
    await legacy.publisher.publishBatch([msg('a')]);
    now = 150;
    expect(await legacy.publisher.publishBatch([msg('a')])).toEqual([{ ok: true, duplicate: false }]);
    await legacy.close();
    const both = createMemoryBus({ dedupWindowMs: 100, clock: { now: () => 0 }, now: () => now });
    await both.publisher.publishBatch([msg('a')]);
    now = 300;
    expect(await both.publisher.publishBatch([msg('a')])).toEqual([{ ok: true, duplicate: true }]);
    await both.close();
  });
});
