/** One message on the bus: a subject, the dedup id, the bytes and string headers. */
export interface BusMessage {
  readonly subject: string;
  /** Dedup id (`Nats-Msg-Id` on JetStream): the event's `source + ' ' + id`. */
  readonly id: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The outcome of publishing one message: stored (maybe as a duplicate the server dropped) or failed.
 * `permanent`: the receiver refused this message itself (retrying cannot help); the relay keeps it as rejected.
 */
export type PublishOutcome =
  | { readonly ok: true; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: Error; readonly permanent?: boolean };

/** Sends messages to a bus. */
export interface Publisher {
  /** Publishes every message with all of them in flight at once; one outcome per message, in order. */
  publishBatch(messages: readonly BusMessage[]): Promise<PublishOutcome[]>;
  /** Releases the connection when the publisher owns it. */
  close(): Promise<void>;
}

/** One delivery of a message to a durable consumer. */
export interface Delivery {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on first delivery, 2 on the first redelivery, … */
  readonly attempt: number;
  /** Acknowledges: the bus will not deliver this message to this consumer again. */
  ack(): Promise<void>;
  /** Asks for redelivery after `delayMs`. */
  retry(delayMs: number): Promise<void>;
}

/** Options of {@link Subscriber.subscribe}. */
export interface SubscribeOptions {
  /** Durable consumer name: its position survives restarts. One token of [a-z0-9_-]. */
  readonly durable: string;
  /** NATS-style filters (`fieldops.automation.run.failed.*`, `fieldops.>`). */
  readonly subjects: readonly string[];
  /** How long the bus waits for an ack before redelivering, ms. */
  readonly ackWaitMs?: number;
  /**
   * Deliveries handed over before the earlier ones settle (their `onDelivery` promises resolve); default 1.
   * A batching consumer asks for more so a batch can fill. MQTT hands over one at a time whatever this says.
   */
  readonly maxInFlight?: number;
}

/** A running subscription. */
export interface Subscription {
  /** Stops receiving; deliveries in progress finish first. */
  close(): Promise<void>;
}

/** Receives messages as a durable consumer; deliveries are handed over in order, up to `maxInFlight` at once. */
export interface Subscriber {
  subscribe(
    options: SubscribeOptions,
    onDelivery: (delivery: Delivery) => Promise<void>,
  ): Promise<Subscription>;
}
