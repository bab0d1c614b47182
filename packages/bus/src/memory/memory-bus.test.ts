import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './memory-bus.js';

const msg = (id: string) => ({ subject: 'fieldops.test.v1', id, data: new Uint8Array(), headers: {} });

describe('in-process bus dedup window', () => {
  it('drops a repeated dedup id inside the window and accepts it again after the window, like JetStream', async () => {
    let now = 0;
    const bus = createMemoryBus({ dedupWindowMs: 100, now: () => now });
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
});
