import { describe, expect, it } from 'vitest';
import { type Logger, noopLogger } from './logger.js';

describe('noopLogger', () => {
  it('accepts every level and cannot be changed by a caller', () => {
    const log: Logger = noopLogger;
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      expect(log[level]({ a: 1 }, 'm')).toBeUndefined();
    expect(Object.isFrozen(noopLogger)).toBe(true);
  });
});
