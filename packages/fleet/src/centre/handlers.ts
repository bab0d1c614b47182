import {
  type Consumer,
  type ConsumerOptions,
  createConsumer,
  type HandlerTable,
  type Publisher,
  type Subscriber,
} from '@fieldops/bus';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../clock.js';
import { applyFleetBatch } from './apply.js';

/** The bus consumer's handlers for the fleet sync: each batch applied in the consumer's transaction. */
export function fleetSyncHandlers(
  options: { clock?: Clock /** @deprecated Pass `clock`. */; now?: () => Date } = {},
): HandlerTable {
  const now = dateSource(options);
  return {
    'io.fieldops.chirpstack.fleet.synced': {
      1: async (event, { tx }) => {
        await applyFleetBatch(tx, event.data, now());
      },
    },
  };
}

/** What {@link startFleetMirror} takes: the centre's database and bus, and any other consumer option. */
export type FleetMirrorOptions = Omit<ConsumerOptions, 'name' | 'handlers' | 'subscriber' | 'deadLetters'> & {
  /** The centre's bus: the mirror subscribes to it and dead-letters to it. */
  bus: { readonly subscriber: Subscriber; readonly publisher: Publisher };
  /** The clock the mirror stamps batches with (default: the system's). */
  clock?: Clock;
};

/**
 * Starts the centre's `fleet-mirror` bus consumer: each site's sync batches applied into `db` (inbox and
 * mirror in one transaction). Stop it with `stop()`.
 */
export async function startFleetMirror(options: FleetMirrorOptions): Promise<Consumer> {
  const { clock, bus, ...consumerOptions } = options;
  const consumer = createConsumer({
    ...consumerOptions,
    subscriber: bus.subscriber,
    deadLetters: bus.publisher,
    name: 'fleet-mirror',
    handlers: fleetSyncHandlers(clock ? { clock } : {}),
  });
  await consumer.start();
  return consumer;
}
