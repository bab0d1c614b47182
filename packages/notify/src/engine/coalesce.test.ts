import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce.js';
import { EventLoopTurn } from './event-loop-turn.js';

/** A serial queue like the engine's, counting its tasks. */
function queue() {
  let tail: Promise<unknown> = Promise.resolve();
  const q = {
    tasks: 0,
    run<T>(fn: () => Promise<T> | T): Promise<T> {
      q.tasks++;
      const next = tail.then(fn);
      tail = next.catch(() => undefined);
      return next;
    },
  };
  return q;
}

describe('Coalescer', () => {
  it('puts calls made while its task waits into that task, in order', async () => {
    const q = queue();
    const seen: number[] = [];
    const c = new Coalescer<number, number>({
      run: q.run,
      turn: new EventLoopTurn(),
      each: (n) => {
        seen.push(n);
        return n * 2;
      },
    });
    const results = await Promise.all([1, 2, 3].map((n) => c.submit(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(seen).toEqual([1, 2, 3]);
    expect(q.tasks).toBe(1);
  });

  it('starts a new task after close() and once its task has started', async () => {
    const q = queue();
    const c = new Coalescer<number, number>({ run: q.run, turn: new EventLoopTurn(), each: (n) => n });
    const a = c.submit(1);
    c.close();
    const b = c.submit(2);
    await Promise.all([a, b]);
    expect(q.tasks).toBe(2);
    await c.submit(3);
    expect(q.tasks).toBe(3);
  });

  it('cuts a flood of calls into tasks of at most maxPerTask inputs', async () => {
    const q = queue();
    const c = new Coalescer<number, number>({
      run: q.run,
      turn: new EventLoopTurn(),
      each: (n) => n,
      maxPerTask: 1_000,
    });
    const inputs = Array.from({ length: 2_500 }, (_, i) => i);
    expect(await Promise.all(inputs.map((n) => c.submit(n)))).toEqual(inputs);
    expect(q.tasks).toBe(3);
  });

  it('keeps each outcome its own, on the synchronous and the asynchronous path', async () => {
    const q = queue();
    const c = new Coalescer<number, number>({
      run: q.run,
      turn: new EventLoopTurn(),
      each: (n) => {
        if (n === 2) throw new Error('two');
        return n === 3 ? Promise.resolve(30) : n === 4 ? Promise.reject(new Error('four')) : n;
      },
    });
    const r = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => c.submit(n)));
    expect(r.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([
      1,
      'two',
      30,
      'four',
      5,
    ]);
    expect(q.tasks).toBe(1);
  });

  it('rejects every caller when the task fails as a whole', async () => {
    const c = new Coalescer<number, number>({
      run: () => Promise.reject(new Error('store down')),
      turn: new EventLoopTurn(),
      each: (n) => n,
    });
    const r = await Promise.allSettled([c.submit(1), c.submit(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });
});
