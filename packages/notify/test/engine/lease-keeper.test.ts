// The engine lease's renewal cadence: a renewal is due a third of the lease time after the last one
// *started*, so a slow round trip (a starved database or process) does not stretch the gap between
// renewals by its own length; a renewal that lands late says why (timer late vs round trip).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaseKeeper } from '../../src/engine/lease.js';
import type { StoreFence, StoreLeases } from '../../src/store/store.js';
import { GLOBAL_TIMERS } from '../../src/types.js';

/** Leases whose every call answers after `roundTripMs` of (fake) time; records when each call began. */
function slowLeases(roundTripMs: () => number): StoreLeases & { calls: number[] } {
  const fence: StoreFence = { lease: 'engine', owner: 'a', token: 1 };
  const calls: number[] = [];
  return {
    calls,
    acquire: () => {
      calls.push(performance.now());
      return new Promise((resolve) => setTimeout(() => resolve(fence), roundTripMs()));
    },
    release: async () => {},
  };
}

describe('LeaseKeeper renewals', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews every third of the lease counted from the last renewal’s start, whatever the round trip', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const leases = slowLeases(() => 400);
    const keeper = new LeaseKeeper(
      leases,
      'a',
      3_000,
      GLOBAL_TIMERS,
      { debug() {}, info() {}, warn() {}, error() {} },
      () => {},
    );
    const acquired = keeper.acquire();
    await vi.advanceTimersByTimeAsync(400);
    await acquired;
    const t0 = leases.calls[0] as number;
    await vi.advanceTimersByTimeAsync(4_000);
    const starts = leases.calls.map((t) => Math.round(t - t0));
    // Acquired at 0 (answered at 400), renewals 1,000 ms apart from 1,400 on: the 400 ms round trip
    // does not add to the period (it did: 1,400, 2,800, 4,200).
    expect(starts.slice(0, 4)).toEqual([0, 1_400, 2_400, 3_400]);
    keeper.close();
  });

  it('warns when a renewal lands more than half the lease after the last, with the round trip', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let rtt = 0;
    const leases = slowLeases(() => rtt);
    const warnings: object[] = [];
    const keeper = new LeaseKeeper(
      leases,
      'a',
      3_000,
      GLOBAL_TIMERS,
      { debug() {}, info() {}, warn: (o: object) => warnings.push(o), error() {} },
      () => {},
    );
    const acquired = keeper.acquire();
    await vi.advanceTimersByTimeAsync(0);
    await acquired;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings).toEqual([]);
    rtt = 1_200; // the next renewal starts at 2,000 and lands at 3,200: 2,200 ms after the last
    await vi.advanceTimersByTimeAsync(2_500);
    expect(warnings).toHaveLength(1);
    const w = warnings[0] as Record<string, number>;
    expect(w).toMatchObject({ operation: 'lease', round_trip_ms: 1_200, lease_ms: 3_000 });
    // Fake performance.now() starts at a fraction of a ms: rounding may differ by one.
    expect(Math.abs((w.since_last_renewal_ms as number) - 2_200)).toBeLessThanOrEqual(1);
    expect(Math.abs(w.timer_late_ms as number)).toBeLessThanOrEqual(1);
    keeper.close();
  });
});
