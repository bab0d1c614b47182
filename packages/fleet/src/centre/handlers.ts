import type { HandlerTable } from '@fieldops/bus';
import { applyFleetBatch } from './apply.js';

/** The bus consumer's handlers for the fleet sync: each batch applied in the consumer's transaction. */
export function fleetSyncHandlers(options: { now?: () => Date } = {}): HandlerTable {
  const now = options.now ?? (() => new Date());
  return {
    'io.fieldops.chirpstack.fleet.synced': {
      1: async (event, { tx }) => {
        await applyFleetBatch(tx, event.data, now());
      },
    },
  };
}
