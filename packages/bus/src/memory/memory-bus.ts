import { type Clock, toClock } from '@fieldops/core';
import { subjectMatches } from '../subject.js';
import type {
  BusMessage,
  Delivery,
  Publisher,
  PublishOutcome,
  SubscribeOptions,
  Subscriber,
  Subscription,
} from '../transport.js';

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Window in which a second message with the same dedup id is dropped, ms; default 120 000 (JetStream's default). */
  readonly dedupWindowMs?: number;
  /** Messages kept for durables created later (oldest dropped first); default 10 000. */
  readonly maxMessages?: number;
  /** The clock (core's `Clock`) of delivery times and redelivery waits; default the system clock. */
  readonly clock?: Clock;
  /** @deprecated Pass `clock`; ignored when `clock` is given. */
  readonly now?: () => number;
}

/** An in-process bus with JetStream's semantics: dedup window, durable consumers, ack, delayed redelivery. */
export interface MemoryBus {
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  /** Every stored message whose subject matches `filter`, oldest first. */
  messages(filter?: string): BusMessage[];
  /** Stops every timer; subscriptions stop delivering. */
  close(): Promise<void>;
}

interface Pending {
  readonly seq: number;
  readonly message: BusMessage;
  readonly attempt: number;
}

class Durable {
  readonly pending: Pending[] = [];
  handler: ((d: Delivery) => Promise<void>) | undefined;
  ackWaitMs = 30_000;
  maxInFlight = 1;
  private inFlight = 0;
  constructor(
    readonly filters: readonly string[],
    private readonly timers: Set<NodeJS.Timeout>,
  ) {}

  matches(subject: string): boolean {
    return this.filters.some((f) => subjectMatches(f, subject));
  }

  push(item: Pending): void {
    this.pending.push(item);
    this.pump();
  }

  private later(item: Pending, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.push({ ...item, attempt: item.attempt + 1 });
    }, delayMs);
    this.timers.add(timer);
  }

  /** Hands pending items to the handler, up to `maxInFlight` unsettled at once. */
  pump(): void {
    while (this.handler && this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const item = this.pending.shift() as Pending;
      this.inFlight++;
      void this.deliver(this.handler, item).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async deliver(handler: (d: Delivery) => Promise<void>, item: Pending): Promise<void> {
    let settled = false;
    const delivery: Delivery = {
      subject: item.message.subject,
      data: item.message.data,
      headers: item.message.headers,
      attempt: item.attempt,
      ack: async () => {
        settled = true;
      },
      retry: async (delayMs) => {
        if (settled) return;
        settled = true;
        this.later(item, delayMs);
      },
    };
    try {
      await handler(delivery);
    } catch {
      // A handler that throws without settling is redelivered after the ack wait, like JetStream.
    }
    if (!settled) this.later(item, this.ackWaitMs);
  }
}

/** Creates an in-process bus: the embedded default when no server is configured. */
export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  const clock = options.clock ?? toClock(options.now);
  const now = () => clock.now();
  const windowMs = options.dedupWindowMs ?? 120_000;
  const maxMessages = options.maxMessages ?? 10_000;
  const log: { seq: number; message: BusMessage }[] = [];
  const seen = new Map<string, number>();
  const durables = new Map<string, Durable>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  function store(message: BusMessage): PublishOutcome {
    const t = now();
    const until = seen.get(message.id);
    if (until !== undefined && until > t) return { ok: true, duplicate: true };
    seen.delete(message.id);
    seen.set(message.id, t + windowMs);
    // Entries are in insertion order and share one window, so expired ones are at the front.
    for (const [k, v] of seen) {
      if (v > t) break;
      seen.delete(k);
    }
    seq++;
    log.push({ seq, message });
    if (log.length > maxMessages) log.shift();
    for (const d of durables.values()) if (d.matches(message.subject)) d.push({ seq, message, attempt: 1 });
    return { ok: true, duplicate: false };
  }

  const publisher: Publisher = {
    async publishBatch(messages) {
      return messages.map(store);
    },
    async close() {},
  };

  const subscriber: Subscriber = {
    async subscribe(opts: SubscribeOptions, onDelivery): Promise<Subscription> {
      let durable = durables.get(opts.durable);
      if (!durable) {
        durable = new Durable(opts.subjects, timers);
        durables.set(opts.durable, durable);
        // Like a JetStream durable with DeliverAll: a new consumer starts from the oldest kept message.
        for (const entry of log)
          if (durable.matches(entry.message.subject)) durable.pending.push({ ...entry, attempt: 1 });
      }
      if (opts.ackWaitMs) durable.ackWaitMs = opts.ackWaitMs;
      durable.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
      durable.handler = onDelivery;
      durable.pump();
      const d = durable;
      return {
        async close() {
          d.handler = undefined;
        },
      };
    },
  };

  return {
    publisher,
    subscriber,
    messages(filter = '>') {
      return log.filter((e) => subjectMatches(filter, e.message.subject)).map((e) => e.message);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const d of durables.values()) d.handler = undefined;
    },
  };
}
