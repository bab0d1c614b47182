import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRedactor, isSecret, revealSecret, Secret } from './index.js';

const CANARY = 'canary-7f3c9e1d-SECRET';

describe('Secret', () => {
  it('prints [redacted] through every way of printing', () => {
    const s = new Secret(CANARY);
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(`x${s}`).toBe('x[redacted]');
    expect(JSON.stringify({ token: s })).toBe('{"token":"[redacted]"}');
    expect(inspect(s)).toBe('[redacted]');
    expect(inspect({ nested: { s } }, { depth: 5 })).not.toContain(CANARY);
    expect(inspect(s, { showHidden: true })).not.toContain(CANARY);
    expect(Object.keys(s)).toEqual([]);
    expect({ ...s }).toEqual({});
  });

  it('gives the value only through reveal()', () => {
    const s = new Secret(CANARY);
    expect(s.reveal()).toBe(CANARY);
    expect(revealSecret(s)).toBe(CANARY);
    expect(revealSecret('plain')).toBe('plain');
    expect(isSecret(s)).toBe(true);
    expect(isSecret(CANARY)).toBe(false);
  });
});

describe('Redactor', () => {
  it('replaces known values anywhere and secret-named keys', () => {
    const r = createRedactor();
    r.add(new Secret(CANARY));
    r.add('abc'); // too short to redact by value
    expect(r.redactString(`before ${CANARY} after ${CANARY}`)).toBe('before [redacted] after [redacted]');
    const seen: string[] = [];
    const out = r.redactValue(
      {
        env: { POSTGRES_PASSWORD: 'x1', TZ: 'Asia/Bangkok' },
        note: `has ${CANARY}`,
        list: [new Secret('y')],
        token_ref: 'env:T',
      },
      (path, reason) => seen.push(`${path}:${reason}`),
    );
    expect(out).toEqual({
      env: { POSTGRES_PASSWORD: '[redacted]', TZ: 'Asia/Bangkok' },
      note: 'has [redacted]',
      list: ['[redacted]'],
      token_ref: 'env:T',
    });
    expect(seen).toEqual(['env.POSTGRES_PASSWORD:key_name', 'note:secret_value', 'list[0]:secret_value']);
    expect(r.redactString('abc')).toBe('abc');
    expect(r.redactValue({ at: new Date('2026-11-27T10:00:00Z'), note: CANARY })).toEqual({
      at: '2026-11-27T10:00:00.000Z',
      note: '[redacted]',
    });
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const r = createRedactor();
    r.add('secret-1');
    r.add('secret-1-longer');
    expect(r.redactString('secret-1-longer')).toBe('[redacted]');
  });
});
