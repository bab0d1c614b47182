import { describe, expect, it } from 'vitest';
import type { ChannelFailure } from '../channels/channel.js';
import { RateLimiter } from './rate-limiter.js';
import { decideRetry } from './retry.js';

const policy = { maxAttempts: 4, baseDelay: 1000, maxDelay: 60_000 };
const fail = (over: Partial<ChannelFailure> = {}): ChannelFailure => ({
  ok: false,
  retryable: true,
  code: 'x',
  message: 'm',
  ...over,
});

describe('decideRetry', () => {
  it('backs off exponentially with jitter, capped, and gives up after max attempts', () => {
    expect(decideRetry(fail(), 1, policy, () => 0)).toEqual({ retry: true, delayMs: 500 });
    expect(decideRetry(fail(), 1, policy, () => 0.999)).toMatchObject({ retry: true });
    expect(decideRetry(fail(), 3, policy, () => 1)).toEqual({ retry: true, delayMs: 4000 });
    expect(decideRetry(fail(), 20, { ...policy, maxAttempts: 99 }, () => 1)).toEqual({
      retry: true,
      delayMs: 60_000,
    });
    expect(decideRetry(fail(), 4, policy, () => 0)).toMatchObject({
      retry: false,
      reason: 'attempts exhausted',
    });
  });

  it('never retries a permanent failure; honours the provider wait; fails over when it is too long', () => {
    expect(decideRetry(fail({ retryable: false }), 1, policy, () => 0)).toMatchObject({ retry: false });
    expect(decideRetry(fail({ retry_after_ms: 30_000 }), 1, policy, () => 0)).toEqual({
      retry: true,
      delayMs: 30_000,
    });
    expect(decideRetry(fail({ retry_after_ms: 3_600_000 }), 1, policy, () => 0)).toMatchObject({
      retry: false,
    });
  });
});

describe('RateLimiter', () => {
  it('spaces messages to one recipient and caps a channel with a token bucket', () => {
    const l = new RateLimiter();
    expect(l.reserve('whatsapp', '+66', 0, undefined, 6000)).toBe(0);
    expect(l.reserve('whatsapp', '+66', 1000, undefined, 6000)).toBe(5000);
    expect(l.reserve('whatsapp', '+67', 1000, undefined, 6000)).toBe(0);
    expect(l.reserve('whatsapp', '+66', 6000, undefined, 6000)).toBe(0);

    // 2 per second: a burst of 2, then one every 500 ms.
    expect(l.reserve('slack', 'ops', 0, 2, undefined)).toBe(0);
    expect(l.reserve('slack', 'ops', 0, 2, undefined)).toBe(0);
    expect(l.reserve('slack', 'ops', 0, 2, undefined)).toBe(500);
    expect(l.reserve('slack', 'ops', 500, 2, undefined)).toBe(0);
  });
});
