import type { Delivery } from '../transport.js';

/** Gathers deliveries handed over concurrently into batches and applies one batch at a time. */
export interface DeliveryBatcher {
  /** Queues a delivery; resolves once the batch holding it has been applied and settled. */
  add(delivery: Delivery): Promise<void>;
  /** Resolves when every queued delivery is settled. */
  idle(): Promise<void>;
}

/**
 * Creates a batcher. A batch starts one macrotask after the first delivery arrives, so whatever the
 * subscriber has buffered by then joins it; while a batch commits the next one fills. Batches run one
 * after another, in arrival order, so a consumer keeps the order the bus delivered in.
 */
export function createDeliveryBatcher(
  maxBatch: number,
  apply: (batch: readonly Delivery[]) => Promise<void>,
): DeliveryBatcher {
  const queue: { delivery: Delivery; settled: () => void }[] = [];
  let draining: Promise<void> | undefined;

  async function drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await apply(batch.map((b) => b.delivery));
      } catch {
        // `apply` reports its own failures; a delivery it left unsettled comes back after the ack wait.
      } finally {
        for (const b of batch) b.settled();
      }
    }
    draining = undefined;
  }

  return {
    add(delivery) {
      return new Promise<void>((settled) => {
        queue.push({ delivery, settled });
        draining ??= drain();
      });
    },
    async idle() {
      while (draining) await draining;
    },
  };
}
