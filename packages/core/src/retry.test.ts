import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfter,
  type RetryPolicy,
  retryPolicy,
} from './retry.js';

const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs', () => {
  it('full jitter spans [0, ceiling] and the ceiling doubles up to maxDelayMs', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(10, policy, () => 0.999999)).toBe(1000);
  });
  it('equal jitter keeps half the ceiling fixed', () => {
    const equal = { ...policy, jitter: 'equal' as const };
    expect(backoffDelayMs(2, equal, () => 0)).toBe(100);
    expect(backoffDelayMs(2, equal, () => 0.999999)).toBe(200);
  });
  it('no jitter waits exactly the ceiling', () => {
    expect(backoffDelayMs(4, { ...policy, jitter: 'none' }, () => 0.3)).toBe(800);
  });
});

describe('decideRetry', () => {
  it('retries a retryable failure with the backoff until maxAttempts', () => {
    expect(decideRetry({ attempt: 1, retryable: true }, policy, () => 0.5)).toEqual({
      retry: true,
      delayMs: 50,
    });
    expect(decideRetry({ attempt: 4, retryable: true }, policy)).toEqual({
      retry: false,
      reason: 'attempts_exhausted',
    });
  });
  it('never retries what the client calls final, nor after an abort', () => {
    expect(decideRetry({ attempt: 1, retryable: false }, policy)).toEqual({
      retry: false,
      reason: 'not_retryable',
    });
    expect(decideRetry({ attempt: 1, retryable: true, aborted: true }, policy)).toEqual({
      retry: false,
      reason: 'aborted',
    });
  });
  it('waits exactly the Retry-After the server asked for, up to maxRetryAfterMs', () => {
    expect(decideRetry({ attempt: 1, retryable: true, retryAfterMs: 7000 }, policy, () => 0)).toEqual({
      retry: true,
      delayMs: 7000,
    });
    expect(decideRetry({ attempt: 1, retryable: true, retryAfterMs: 61_000 }, policy)).toEqual({
      retry: false,
      reason: 'retry_after_too_long',
    });
  });
});

describe('retryPolicy', () => {
  it('fills missing settings from the defaults; false means one attempt', () => {
    expect(retryPolicy({ maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
    expect(retryPolicy(false).maxAttempts).toBe(1);
  });
  it('rejects nonsense with the field named', () => {
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(/retry\.baseDelayMs/);
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/retry\.maxAttempts/);
    expect(() => retryPolicy({ jitter: 'half' as never })).toThrow(/retry\.jitter/);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates; ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
