import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.js';
import { TimerHeap } from './timer-heap.js';

describe('TimerHeap', () => {
  it('pops in time order (FIFO on ties), moves and deletes by key', () => {
    const h = new TimerHeap();
    const times = [50, 10, 40, 10, 30, 20];
    for (const [i, t] of times.entries()) h.set(`k${i}`, t);
    h.set('k2', 5);
    h.delete('k4');
    const out: string[] = [];
    for (let e = h.pop(); e; e = h.pop()) out.push(e.key);
    expect(out).toEqual(['k2', 'k1', 'k3', 'k5', 'k0']);
  });

  it('stays a heap under random operations', () => {
    const h = new TimerHeap();
    const ref = new Map<string, number>();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5000; i++) {
      const k = `k${Math.floor(rnd() * 500)}`;
      if (rnd() < 0.3) {
        h.delete(k);
        ref.delete(k);
      } else {
        const t = Math.floor(rnd() * 1e6);
        h.set(k, t);
        ref.set(k, t);
      }
    }
    const popped: number[] = [];
    for (let e = h.pop(); e; e = h.pop()) popped.push(e.at);
    expect(popped).toEqual([...ref.values()].sort((a, b) => a - b));
  });

  it('setMany pops exactly as one set() per key would (bulk rebuild and one-by-one paths, moved and repeated keys, ties FIFO)', () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [existing, added] of [
      [0, 3000],
      [2000, 100],
      [500, 500],
      [100, 2000],
    ] as const) {
      const one = new TimerHeap();
      const bulk = new TimerHeap();
      for (let i = 0; i < existing; i++) {
        const t = Math.floor(rnd() * 50);
        one.set(`old${i}`, t);
        bulk.set(`old${i}`, t);
      }
      // New keys, with coarse times so many tie, and some keys already pending (moved).
      const batch: [string, number][] = [];
      for (let i = 0; i < added; i++)
        batch.push([
          rnd() < 0.1 && existing > 0 ? `old${i % existing}` : `new${rnd() < 0.1 ? i % 7 : i}`,
          Math.floor(rnd() * 50),
        ]);
      for (const [k, t] of batch) one.set(k, t);
      bulk.setMany(batch);
      expect(bulk.size).toBe(one.size);
      const a: string[] = [];
      const b: string[] = [];
      for (let e = one.pop(); e; e = one.pop()) a.push(`${e.key}@${e.at}`);
      for (let e = bulk.pop(); e; e = bulk.pop()) b.push(`${e.key}@${e.at}`);
      expect(b).toEqual(a);
    }
  });
});

describe('Scheduler', () => {
  it('arms one timer for any number of keys and fires them in order', () => {
    let now = 0;
    const armed: { fn: () => void; at: number }[] = [];
    let cleared = 0;
    const fired: string[] = [];
    const s = new Scheduler({
      clock: { now: () => now },
      timers: {
        setTimeout: (fn, ms) => {
          const t = { fn, at: now + ms };
          armed.push(t);
          return t;
        },
        clearTimeout: () => {
          cleared++;
        },
      },
      onDue: (k) => fired.push(k),
    });
    for (let i = 0; i < 1000; i++) s.schedule(`k${i}`, 1000 + i);
    expect(armed).toHaveLength(1);
    s.schedule('early', 500);
    expect(armed).toHaveLength(2);
    expect(cleared).toBe(1);
    s.cancel('k0');
    now = 1001;
    armed.at(-1)!.fn();
    // The early timer fires early, and everything due by 1001 runs; the next timer is armed once.
    expect(fired).toEqual(['early', 'k1']);
    expect(s.size).toBe(998);
  });
});
