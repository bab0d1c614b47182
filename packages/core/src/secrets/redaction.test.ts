import { describe, expect, it } from 'vitest';
import { createRedactor } from './index.js';

const SECRET = 'CANARY-5e1f0a9c-do-not-leak';

describe('redaction of encoded forms', () => {
  it('replaces the base64, base64url, hex and URL-encoded forms of a secret', () => {
    const r = createRedactor();
    const secret = 'pa ss/wörd+?~-CANARY-77';
    r.add(secret);
    const bytes = Buffer.from(secret, 'utf8');
    const forms = {
      base64: bytes.toString('base64'),
      base64NoPad: bytes.toString('base64').replace(/=+$/, ''),
      base64url: bytes.toString('base64url'),
      hex: bytes.toString('hex'),
      HEX: bytes.toString('hex').toUpperCase(),
      uri: encodeURIComponent(secret),
      form: new URLSearchParams({ v: secret }).toString().slice(2),
    };
    for (const [name, form] of Object.entries(forms)) {
      expect(r.redactString(`${name}=${form};`), name).toBe(`${name}=[redacted];`);
    }
  });

  it('catches a secret base64-encoded inside a longer value (HTTP Basic auth)', () => {
    const r = createRedactor();
    r.add(SECRET);
    for (const user of ['a', 'ab', 'abc', 'automation@pve']) {
      const header = `Basic ${Buffer.from(`${user}:${SECRET}`).toString('base64')}`;
      const out = r.redactString(header);
      expect(out, user).toContain('[redacted]');
      expect(Buffer.from(out.slice(6).replace('[redacted]', ''), 'base64').toString()).not.toContain(
        SECRET.slice(4, 20),
      );
    }
  });
});

describe('redaction of a stream', () => {
  it('catches a secret written in two pieces, at every split point', () => {
    const r = createRedactor();
    r.add(SECRET);
    for (let cut = 1; cut < SECRET.length; cut++) {
      const stream = r.createStream();
      const out =
        stream.push(`token: ${SECRET.slice(0, cut)}`) +
        stream.push(`${SECRET.slice(cut)} done\n`) +
        stream.end();
      expect(out).toBe('token: [redacted] done\n');
    }
  });

  it('releases text that cannot start a secret, and holds back only a tail', () => {
    const r = createRedactor();
    r.add(SECRET);
    const stream = r.createStream();
    // The longest form is the hex one: twice the secret's length.
    expect(r.longestNeedle).toBe(SECRET.length * 2);
    const first = stream.push('x'.repeat(100));
    expect(first).toBe('x'.repeat(100 - (r.longestNeedle - 1)));
    expect(stream.end()).toBe('x'.repeat(r.longestNeedle - 1));
  });
});
