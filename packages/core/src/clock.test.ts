import { describe, expect, it } from 'vitest';
import { systemClock, toClock } from './clock.js';

describe('toClock', () => {
  it('accepts a Clock, a function or nothing', () => {
    const fake = { now: () => 42 };
    expect(toClock(fake)).toBe(fake);
    expect(toClock(() => 7).now()).toBe(7);
    expect(toClock()).toBe(systemClock);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
  });
});
