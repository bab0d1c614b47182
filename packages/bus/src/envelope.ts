import { parseContract } from '@fieldops/contracts';
import { CloudEvent, EVENT_TYPES, EventSchemas, type EventType } from '@fieldops/contracts/events/v1';

/** A CloudEvent as the contracts define it (`events.v1.CloudEvent`). */
export type BusEvent = CloudEvent;

/** The dedup key of an event: `source + ' ' + id` (a URI-reference source holds no space). */
export function dedupId(event: Pick<BusEvent, 'source' | 'id'>): string {
  return `${event.source} ${event.id}`;
}

/**
 * Validates an event before it enters the outbox: the envelope against `events.v1.CloudEvent`, and for
 * a known fieldops type the whole event against its own schema. Throws ContractError naming the path.
 */
export function validateEvent(input: unknown): BusEvent {
  const event = parseContract(CloudEvent, input);
  if (Object.hasOwn(EVENT_TYPES, event.type)) parseContract(EventSchemas[event.type as EventType], input);
  return event;
}

/** Parses the bytes of a delivered message into a CloudEvent; throws ContractError or SyntaxError. */
export function decodeEvent(data: Uint8Array): BusEvent {
  return parseContract(CloudEvent, JSON.parse(new TextDecoder().decode(data)));
}

/** Encodes an event for the wire (CloudEvents JSON structured mode). */
export function encodeEvent(event: BusEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}
