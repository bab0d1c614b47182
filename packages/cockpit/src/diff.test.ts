import { describe, expect, it } from 'vitest';
import { buildDataModelWrites } from './diff.js';

describe('buildDataModelWrites', () => {
  it('writes only the changed leaf, at its JSON Pointer path', () => {
    const before = {
      sites: [
        { name: 'a', gateways: '1 online' },
        { name: 'b', gateways: '2 online' },
      ],
    };
    const after = {
      sites: [
        { name: 'a', gateways: '1 online' },
        { name: 'b', gateways: '1 online' },
      ],
    };
    expect(buildDataModelWrites(before, after)).toEqual([{ path: '/sites/1/gateways', value: '1 online' }]);
  });

  it('escapes ~ and / in keys (RFC 6901 §3) and removes a key that went away', () => {
    expect(buildDataModelWrites({ 'a/b': 1, 'c~d': 1, gone: 1 }, { 'a/b': 2, 'c~d': 3 })).toEqual([
      { path: '/gone', remove: true },
      { path: '/a~1b', value: 2 },
      { path: '/c~0d', value: 3 },
    ]);
  });

  it('writes an array whole when it grew or shrank, and a node whole past maxWrites', () => {
    expect(buildDataModelWrites({ l: [1] }, { l: [1, 2] })).toEqual([{ path: '/l', value: [1, 2] }]);
    const many = (v: number) => Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, v]));
    expect(buildDataModelWrites({ m: many(1) }, { m: many(2) }, '/', 3)).toEqual([
      { path: '/m', value: many(2) },
    ]);
  });

  it('keeps the writes past maxWrites when they are smaller than the node whole (a few changes in a long list)', () => {
    const list = (changed: number[]) =>
      Array.from({ length: 200 }, (_, i) => ({
        name: `cold room sensor ${i}`,
        last_seen: changed.includes(i) ? '2026-12-01T06:00:00.000Z' : '2026-12-01T05:00:00.000Z',
      }));
    const some = [3, 17, 40, 41, 90];
    const writes = buildDataModelWrites({ devices: list([]) }, { devices: list(some) }, '/', 3);
    expect(writes).toEqual(
      some.map((i) => ({ path: `/devices/${i}/last_seen`, value: '2026-12-01T06:00:00.000Z' })),
    );
  });

  it('writes nothing when nothing changed', () => {
    expect(buildDataModelWrites({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toEqual([]);
  });
});
