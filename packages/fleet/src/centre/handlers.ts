import type { HandlerTable } from '@fieldops/bus';
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
