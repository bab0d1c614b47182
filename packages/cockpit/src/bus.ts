// The cockpit fed from the bus: a handler table for a `@fieldops/bus` consumer (in-process bus or a
// JetStream durable, with its inbox), one handler per event type the cockpit shows, each giving the
// event to `cockpit.ingest`. Declared structurally, so the cockpit needs no runtime dependency on the bus.
import type { Cockpit } from './cockpit.js';
import { COCKPIT_EVENT_TYPES, type CockpitEvent } from './events.js';

/** One handler of a bus consumer's table (assignable to `@fieldops/bus` `EventHandler`). */
export type CockpitEventHandler = (event: CockpitEvent) => Promise<void>;

/** A bus consumer's handler table: base type (without `.vN`) → version → handler (`@fieldops/bus` `HandlerTable`). */
export type CockpitHandlerTable = Readonly<Record<string, Readonly<Record<number, CockpitEventHandler>>>>;

const TYPE = /^(.+)\.v(\d+)$/;

/**
 * The handlers that feed `cockpit` from a bus consumer: every type of {@link COCKPIT_EVENT_TYPES}.
 * The consumer's inbox drops a redelivered event before it gets here; an event applied again after
 * a rolled-back batch sets the same values again (the cockpit's state is a view, and ingest is
 * idempotent for one event).
 */
export function cockpitHandlers(
  cockpit: Pick<Cockpit, 'ingest'>,
  types: readonly string[] = COCKPIT_EVENT_TYPES,
): CockpitHandlerTable {
  const ingest: CockpitEventHandler = async (event) => {
    cockpit.ingest(event);
  };
  const table: Record<string, Record<number, CockpitEventHandler>> = {};
  for (const type of types) {
    const m = TYPE.exec(type);
    if (!m) throw new RangeError(`cockpit: event type ${type} has no version suffix (.vN)`);
    const base = m[1] as string;
    table[base] ??= {};
    table[base][Number(m[2])] = ingest;
  }
  return table;
}
