import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore } from '../../src/rfid/index.js';

const answer = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"accepted":1,"duplicates":0}',
};

describe('memory IdempotencyStore', () => {
  it('claims, reports in-flight, replays, and refuses another fingerprint', async () => {
    const store = createMemoryIdempotencyStore();
    expect(await store.begin('k1', 'f1')).toEqual({ kind: 'started' });
    expect(await store.begin('k1', 'f1')).toEqual({ kind: 'in_flight' });
    await store.complete('k1', 'f1', answer);
    expect(await store.begin('k1', 'f1')).toEqual({ kind: 'replay', response: answer });
    expect(await store.begin('k1', 'f2')).toEqual({ kind: 'mismatch' });
  });

  it('keeps answers for 24 h and frees abandoned claims after inFlightTtlMs', async () => {
    let t = 0;
    const store = createMemoryIdempotencyStore({ now: () => t });
    await store.begin('done', 'f');
    await store.complete('done', 'f', answer);
    await store.begin('stuck', 'f');
    t = 59_000;
    expect((await store.begin('stuck', 'f')).kind).toBe('in_flight');
    t = 61_000;
    expect((await store.begin('stuck', 'f')).kind).toBe('started');
    t = 24 * 60 * 60 * 1000 - 1;
    expect((await store.begin('done', 'other')).kind).toBe('mismatch');
    t = 24 * 60 * 60 * 1000 + 1;
    expect((await store.begin('done', 'other')).kind).toBe('started');
  });

  it('release lets a retry run again', async () => {
    const store = createMemoryIdempotencyStore();
    await store.begin('k', 'f');
    await store.release('k');
    expect((await store.begin('k', 'f')).kind).toBe('started');
    store.clear();
    expect(store.size()).toBe(0);
  });
});
