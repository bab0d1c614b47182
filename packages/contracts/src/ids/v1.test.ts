import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors.js';
import { createIdGenerator, ID_PREFIXES, idTimestamp, isId, parseId } from './v1.js';

describe('ids', () => {
  it('generates prefix + 26 lower-case Crockford base32 characters, decodable to their creation time', () => {
    const gen = createIdGenerator({ now: () => Date.UTC(2026, 10, 27, 10, 0, 0) });
    for (const prefix of Object.values(ID_PREFIXES)) {
      const id = gen(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`));
      expect(parseId(prefix, id)).toBe(id);
      expect(idTimestamp(id)?.toISOString()).toBe('2026-11-27T10:00:00.000Z');
    }
  });

  it('sorts by creation time, also within one millisecond', () => {
    let t = 1_700_000_000_000;
    const gen = createIdGenerator({ now: () => t });
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) {
      if (i % 500 === 0) t += 1;
      ids.push(gen('dev'));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses 80 random bits from the injected source', () => {
    const gen = createIdGenerator({ now: () => 0, random: (b) => b.fill(0xff) });
    expect(gen('run')).toBe(`run_0000000000${'z'.repeat(16)}`);
    const gen2 = createIdGenerator({ now: () => 0, random: (b) => b.fill(0) });
    expect(gen2('run')).toBe(`run_${'0'.repeat(26)}`);
  });

  it('a clock going backwards never breaks the order', () => {
    const times = [5000, 4000, 4000, 6000];
    const gen = createIdGenerator({ now: () => times.shift()! });
    const ids = [gen('gw'), gen('gw'), gen('gw'), gen('gw')];
    expect([...ids].sort()).toEqual(ids);
  });

  it('names the expected prefix when parsing fails', () => {
    expect(() => parseId('stn', 'dev_01jd8y3k2m0000000000000001')).toThrow(
      'ids.v1.StationId: (root): expected an id starting stn_',
    );
    expect(() => parseId('dev', 42)).toThrow(ContractError);
    expect(isId('site', 'site_abcd')).toBe(true);
    expect(isId('site', 'site_')).toBe(false);
    expect(isId('site', 'site_ab/cd')).toBe(false);
  });

  it('accepts ids minted elsewhere (4–64 letters or digits) without a timestamp', () => {
    expect(parseId('cus', 'cus_ACME42')).toBe('cus_ACME42');
    expect(idTimestamp('cus_ACME42')).toBeUndefined();
  });
});
