/**
 * Per-channel token buckets plus a minimum gap per recipient. `reserve` answers how long to wait;
 * 0 means go, and the token (and the recipient's slot) is taken.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly lastSent = new Map<string, number>();

  /** ms to wait before sending on `channel` to `recipient`; 0 takes the slot. */
  reserve(
    channel: string,
    recipient: string,
    now: number,
    ratePerSecond: number | undefined,
    recipientGapMs: number | undefined,
  ): number {
    let wait = 0;
    const rk = `${channel}\u0000${recipient}`;
    if (recipientGapMs) {
      const last = this.lastSent.get(rk);
      if (last !== undefined && now - last < recipientGapMs) wait = last + recipientGapMs - now;
    }
    let bucket: { tokens: number; at: number } | undefined;
    if (ratePerSecond && ratePerSecond > 0) {
      const capacity = Math.max(1, ratePerSecond);
      bucket = this.buckets.get(channel) ?? { tokens: capacity, at: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000);
      bucket.at = now;
      this.buckets.set(channel, bucket);
      if (bucket.tokens < 1) wait = Math.max(wait, Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond));
    }
    if (wait > 0) return wait;
    if (bucket) bucket.tokens -= 1;
    if (recipientGapMs) this.lastSent.set(rk, now);
    return 0;
  }

  /** Pushes a recipient's next slot out (the provider said we were too fast). */
  backoff(channel: string, recipient: string, until: number, recipientGapMs: number): void {
    this.lastSent.set(`${channel}\u0000${recipient}`, until - recipientGapMs);
  }
}
