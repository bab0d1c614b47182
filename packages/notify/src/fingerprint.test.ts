import { describe, expect, it } from 'vitest';
import { fingerprintOf, hashString, labelsKey } from './fingerprint.js';

describe('fingerprintOf', () => {
  it('is the hash of the canonical text, independent of label order, 16 hex digits', () => {
    const a = { alertname: 'GatewayOffline', site: 'site_1', gateway_eui: '0016c001ff10a235' };
    const b = { gateway_eui: '0016c001ff10a235', site: 'site_1', alertname: 'GatewayOffline' };
    expect(fingerprintOf(a)).toBe(hashString(labelsKey(a)));
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(fingerprintOf(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf({ ...a, site: 'site_2' })).not.toBe(fingerprintOf(a));
    // Pair boundaries matter: {ab: c} and {a: bc} differ.
    expect(fingerprintOf({ ab: 'c' })).not.toBe(fingerprintOf({ a: 'bc' }));
  });
});
