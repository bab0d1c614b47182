import type { BusEvent } from '../envelope.js';
import type { BusLogger } from '../logger.js';
import type { SqlExecutor } from '../sql/types.js';

/** What a handler receives beside the event: the consumer's open transaction and the delivery attempt. */
export interface HandlerContext {
  /** The transaction the inbox row is written in: write the handler's own changes here. */
  readonly tx: SqlExecutor;
  readonly attempt: number;
  readonly logger: BusLogger;
}

/** Applies one event. Throwing rolls back the transaction; the event is redelivered with back-off. */
export type EventHandler = (event: BusEvent, context: HandlerContext) => Promise<void>;

/**
 * The handlers of a consumer: base type (without `.vN`) → version → handler. Declaring v1 and v2 of one
 * type lets both flow at once: `{ 'io.fieldops.automation.run.failed': { 1: onV1, 2: onV2 } }`.
 */
export type HandlerTable = Readonly<Record<string, Readonly<Record<number, EventHandler>>>>;
