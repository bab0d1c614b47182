// Group commit on an in-process store (memory, PGlite): the engine's queued tasks run as microtasks, so a
// batch that started with the first sealed task took one task and the rest waited for the next one:
// about one transaction per ingest. A batch now starts one event-loop turn later and takes the burst.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import { baseConfig, engineWithRecorders } from '../support/helpers.js';

const alert = (i: number) => ({
  labels: { alertname: 'GatewayOffline', site: `site_${i}`, gateway_id: `gw_${i}` },
  severity: 'critical' as const,
  status: 'firing' as const,
  starts_at: new Date().toISOString(),
});

describe('group commit', () => {
  it('tasks sealed in the same turn go in one batch, and each caller is answered once it is stored', async () => {
    const store = new MemoryNotifyStore();
    const gc = new GroupCommit(store);
    const answered: number[] = [];
    const commits = Array.from({ length: 50 }, (_, i) => {
      void gc.put('alerts', `a${i}`, { i });
      gc.seal();
      return gc.commit().then(() => {
        // Answered only when its document is readable from the store.
        expect(store.count('alerts')).toBeGreaterThan(i);
        answered.push(i);
      });
    });
    await Promise.all(commits);
    expect(answered).toHaveLength(50);
    expect(store.batches).toBe(1);
    expect(await store.get('alerts', 'a49')).toEqual({ i: 49 });
  });

  it('putNow writes outside the open task: stored without a seal, snapshotted at once, and a task sealed later wins', async () => {
    for (const copy of [true, false]) {
      const store = new MemoryNotifyStore({ copy });
      const gc = new GroupCommit(store);
      // A task is open (not sealed) with a write of its own.
      void gc.put('alerts', 'open-task', { open: true });
      const job = { step: 0, answered: { step: 0 } as object | undefined };
      await gc.putNow('deliveries', 'd1', job);
      // In the store although the open task never sealed; the open task's write is not.
      expect(await store.get('deliveries', 'd1')).toEqual({ step: 0, answered: { step: 0 } });
      expect(await store.get('alerts', 'open-task')).toBeUndefined();
      // Snapshotted when written: a later change of the object is not in the store.
      job.step = 1;
      expect(await store.get('deliveries', 'd1')).toMatchObject({ step: 0 });
      // The open task deletes the same key; sealed after the putNow, its delete wins.
      void gc.delete('deliveries', 'd1');
      const later = gc.putNow('deliveries', 'd2', { step: 0 });
      gc.seal();
      await Promise.all([later, gc.commit()]);
      expect(await store.get('deliveries', 'd1')).toBeUndefined();
      expect(await store.get('alerts', 'open-task')).toEqual({ open: true });
    }
  });

  it('a snapshot is taken at seal: a later change of the same object waits for the next batch', async () => {
    const store = new MemoryNotifyStore();
    const gc = new GroupCommit(store);
    const doc = { level: 0 };
    void gc.put('incidents', 'i1', doc);
    gc.seal();
    const first = gc.commit();
    // The next task changes the live object before the first batch started.
    doc.level = 1;
    await first;
    expect(await store.get('incidents', 'i1')).toEqual({ level: 0 });
    void gc.put('incidents', 'i1', doc);
    gc.seal();
    await gc.commit();
    expect(await store.get('incidents', 'i1')).toEqual({ level: 1 });
  });

  it('300 concurrent ingests on an in-process store share transactions instead of one each', async () => {
    const store = new MemoryNotifyStore();
    const { engine } = engineWithRecorders(baseConfig(), { store });
    await engine.start();
    const before = store.batches;
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => engine.ingest(alert(i))));
    expect(results.every((r) => r.kind === 'alert')).toBe(true);
    expect(store.count('alerts')).toBe(300);
    // One batch per 10 ms slice of queued work at most (the queue yields a turn then); before, ~300.
    expect(store.batches - before).toBeLessThan(100);
    await engine.stop();
  });
});
