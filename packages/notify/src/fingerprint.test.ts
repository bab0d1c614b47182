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

  it('orders label names as Array.prototype.sort does, for any number of labels and any insertion order', () => {
    const names = ['zeta', 'Alpha', 'alpha', '_x', 'a_b', 'ab', 'a', 'B2', 'b10', 'b2', 'é', 'site', 'Z'];
    for (let round = 0; round < 20; round++) {
      // A different insertion order each round (a fixed permutation step, no randomness).
      const order = names.map((_, i) => names[(i * 7 + round) % names.length] as string);
      const labels = Object.fromEntries(order.map((n) => [n, `v_${n}`]));
      expect(fingerprintOf(labels)).toBe(hashString(labelsKey(labels)));
    }
    // A stored fingerprint never changes (alerts are keyed by it across restarts).
    expect(
      fingerprintOf({ alertname: 'GatewayOffline', site: 'site_1', gateway_eui: '0016c001ff10a235' }),
    ).toBe(
      hashString(
        'alertname\u0001GatewayOffline\u0002gateway_eui\u00010016c001ff10a235\u0002site\u0001site_1\u0002',
      ),
    );
  });
});
