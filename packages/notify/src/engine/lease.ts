// Replicas on one store: the engine runs due work only while it holds the `engine` lease. A standby
// polls for it and takes over when the holder stops renewing (crash, partition); every batch the
// active replica writes is fenced by the lease, so a replica that lost it can neither record nor send.
import type { StoreFence, StoreLeases } from '../store/store.js';
import type { Logger, TimerApi } from '../types.js';

/** The lease the engine's due work hangs on. */
export const ENGINE_LEASE = 'engine';
/** Default lease time: a dead replica's work is taken over within this (plus one poll). */
export const DEFAULT_LEASE_MS = 15_000;

/** How an engine shares a store with other replicas. */
export interface LeaseOptions {
  /** This replica's name in the lease table (default: host, pid and a random suffix). */
  owner?: string;
  /** Lease time in ms (default 15 s); renewed every third of it, polled by standbys every tenth. */
  ttlMs?: number;
}

/** Holds (or waits for) the engine lease and renews it. */
export class LeaseKeeper {
  private current: StoreFence | undefined;
  private handle: unknown;
  private closed = false;

  constructor(
    private readonly leases: StoreLeases,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly timers: TimerApi,
    private readonly logger: Logger,
    private readonly onLost: (why: string) => void,
  ) {}

  /** The fence of the held lease (undefined before it is acquired or after it is lost). */
  get fence(): StoreFence | undefined {
    return this.current;
  }

  /** Resolves once this replica holds the lease (polling every tenth of the lease time). */
  async acquire(): Promise<StoreFence> {
    let logged = false;
    for (;;) {
      if (this.closed) throw new Error('lease keeper closed');
      const fence = await this.leases.acquire(ENGINE_LEASE, this.owner, this.ttlMs).catch((err: unknown) => {
        this.logger.warn(
          { component: 'notify', operation: 'lease', err: String(err) },
          'lease attempt failed',
        );
        return undefined;
      });
      if (fence) {
        this.current = fence;
        this.renewedAt = performance.now();
        this.logger.info(
          { component: 'notify', operation: 'lease', owner: this.owner, token: fence.token },
          'engine lease acquired: this replica runs the due work',
        );
        this.scheduleRenew();
        return fence;
      }
      if (!logged) {
        this.logger.info(
          { component: 'notify', operation: 'lease', owner: this.owner },
          'standby: another replica holds the engine lease',
        );
        logged = true;
      }
      await new Promise<void>((resolve) => {
        this.handle = this.timers.setTimeout(resolve, Math.max(50, Math.floor(this.ttlMs / 10)));
      });
    }
  }

  /** When the held lease was last renewed (or acquired), by `performance.now()`. */
  private renewedAt = 0;
  private renewFailures = 0;

  /** Every third of the lease time, counted from the start of the last renewal. */
  private get renewEveryMs(): number {
    return Math.max(50, Math.floor(this.ttlMs / 3));
  }

  private scheduleRenew(afterMs = this.renewEveryMs): void {
    if (this.closed) return;
    const at = performance.now() + afterMs;
    this.handle = this.timers.setTimeout(() => void this.renew(at), afterMs);
  }

  private async renew(plannedAt: number): Promise<void> {
    const held = this.current;
    if (!held || this.closed) return;
    const started = performance.now();
    const fence = await this.leases.acquire(ENGINE_LEASE, this.owner, this.ttlMs).catch(() => undefined);
    if (this.closed) return;
    const done = performance.now();
    if (fence && fence.token === held.token) {
      this.renewFailures = 0;
      const gap = done - this.renewedAt;
      // Late by half the lease time: say why (the timer fired late = this process's event loop was
      // busy or starved of CPU; a slow round trip = the database or its connection) before it costs
      // the lease.
      if (gap > this.ttlMs / 2)
        this.logger.warn(
          {
            component: 'notify',
            operation: 'lease',
            since_last_renewal_ms: Math.round(gap),
            timer_late_ms: Math.round(started - plannedAt),
            round_trip_ms: Math.round(done - started),
            lease_ms: this.ttlMs,
          },
          'engine lease renewed late',
        );
      this.renewedAt = done;
      // The cadence does not stretch by the round trip: the next renewal is due a third of the lease
      // after this one started (at once when the round trip took longer).
      this.scheduleRenew(Math.max(0, this.renewEveryMs - (done - started)));
      return;
    }
    // A failed renewal is not yet a lost lease: retry until it has expired for certain.
    if (!fence && this.renewFailures++ < 2) {
      this.scheduleRenew();
      return;
    }
    this.lost('the engine lease could not be renewed');
  }

  /** Marks the lease lost (a fenced write was refused, or renewing failed) and tells the engine. */
  lost(why: string): void {
    if (!this.current) return;
    this.current = undefined;
    this.close();
    this.onLost(why);
  }

  /** Stops renewing; `release` gives the lease up so a standby takes over at once. */
  close(): void {
    this.closed = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Gives up the lease (graceful stop). */
  async release(): Promise<void> {
    const held = this.current;
    this.current = undefined;
    this.close();
    if (held) await this.leases.release(held).catch(() => undefined);
  }
}
