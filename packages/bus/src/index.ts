// @fieldops/bus: the runtime-neutral core. It imports no database or protocol client; those live in
// the entries `@fieldops/bus/pg`, `/pglite`, `/nats`, `/mqtt` (and `/testing` for test servers).

// Plumbing
export { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export {
  type Consumer,
  type ConsumerOptions,
  createConsumer,
  type DeadLetter,
  type DeliveryOutcome,
} from './consumer/consumer.js';
export type { EventHandler, HandlerContext, HandlerTable } from './consumer/handlers.js';
// Events and their routing
export { type BusEvent, decodeEvent, dedupId, encodeEvent, validateEvent } from './envelope.js';
export {
  BusConfigError,
  BusConnectError,
  BusError,
  BusMissingPeerError,
  BusSubjectError,
} from './errors.js';
export {
  CLOUDEVENTS_BATCH_MEDIA_TYPE,
  CLOUDEVENTS_MEDIA_TYPE,
  type CloudEventsHttpPublisherOptions,
  createCloudEventsHttpPublisher,
} from './http/cloudevents-http-publisher.js';
export { type BusLogger, noopLogger } from './logger.js';
export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
export {
  type AppendOptions,
  type AppendResult,
  createOutbox,
  type Outbox,
  type OutboxOptions,
} from './outbox/outbox.js';
// Delivery: relay, transports, consumers
export { createRelay, type Relay, type RelayOptions, type RelayPass } from './relay/relay.js';
// Storage: schema, outbox
export {
  BUS_SCHEMA,
  MIGRATIONS,
  type Migration,
  type MigrationSet,
  migrate,
  runMigrations,
} from './sql/migrations.js';
export type { SqlDatabase, SqlExecutor } from './sql/types.js';
export {
  DEAD_LETTER_PREFIX,
  deadLetterSubject,
  mqttTopicForSubject,
  type ParsedEventType,
  parseEventType,
  SUBJECT_PREFIX,
  subjectFilterForBase,
  subjectForMqttTopic,
  subjectForType,
  subjectMatches,
} from './subject.js';
export type {
  BusMessage,
  Delivery,
  Publisher,
  PublishOutcome,
  SubscribeOptions,
  Subscriber,
  Subscription,
} from './transport.js';
