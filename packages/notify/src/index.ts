// @fieldops/notify: the notifications engine. The public API is what users configure and wire: the
// engine, its configuration, matchers, the HTTP handlers, and the interfaces of what can be injected
// (store, channels, sources, secrets, clock, logger). The stages are internal: the engine composes them.

// What can be injected
/** The channel interface, for a custom channel under a known kind (`options.channels`). */
export type { Channel, ChannelDeps, ChannelFailure, ChannelSuccess, SendResult } from './channels/channel.js';

// Configuration
/** Everything a configuration is made of (`NotifyConfig`), the defaults and the validator. */
export {
  type ContactConfig,
  DEFAULT_ROUTE_OPTIONS,
  type DiscordChannelConfig,
  type EmailChannelConfig,
  type EscalationPolicyConfig,
  type HeartbeatConfig,
  type InhibitRuleConfig,
  type NamedTimeIntervalConfig,
  type NormalizedConfig,
  type NotifyConfig,
  normalizeConfig,
  type ReceiverConfig,
  type RetryConfig,
  type RouteConfig,
  type SlackChannelConfig,
  type TemplateConfig,
  type TimeIntervalConfig,
  type TimeIntervalsConfig,
  type TimeRangeConfig,
  type WhatsAppChannelConfig,
} from './config.js';
/** Durations such as `30s` or `1h30m`. */
export { type Duration, parseDuration } from './duration.js';
/** Replicas sharing one store: the engine lease (`options.lease`). */
export type { LeaseOptions } from './engine/lease.js';
// Engine
/** The engine, its factory and what its operations take and return. */
export {
  type AcknowledgeInput,
  type AcknowledgeResult,
  createNotifyEngine,
  type IngestResult,
  NotifyEngine,
  type NotifyEngineOptions,
  type WhatsAppStatusInput,
} from './engine.js';
// Errors
/** The package's error classes. */
export {
  NotifyAckError,
  NotifyAckForbiddenError,
  NotifyConfigError,
  NotifyError,
  type NotifyErrorCode,
  NotifyLeaseLostError,
  NotifySecretError,
  NotifyStoreError,
} from './errors.js';
// Data the engine shows
/** Alert fingerprints (a hash of the labels without `severity`), for acknowledging by fingerprint. */
export { fingerprintOf } from './fingerprint.js';
// HTTP
/** Events, acknowledgements, alerts and silences over HTTP (Fetch API handler). */
export { createNotifyApiHandler, type NotifyApiOptions, type NotifyApiTarget } from './http/api-handler.js';
/** CloudEvents binary content mode (ce-* headers). */
export { buildBinaryCloudEvent, isBinaryCloudEvent } from './http/cloudevents-binary.js';
/** Media types (`application/json; charset=utf-8`). */
export { isJsonMediaType, type MediaType, parseMediaType } from './http/media-type.js';
/** Mounts any of the Fetch API handlers on `node:http`. */
export { type NodeListenerOptions, toNodeListener } from './http/node-listener.js';
/** Checks a handler makes before reading a body, and a bounded body reader. */
export { DEFAULT_MAX_BODY_BYTES, type PreflightHandler, readBodyCapped } from './http/preflight.js';
/** Label matchers as Alertmanager writes them (`{a="1", b=~"x.*"}`, `a=1,b!=2`), regexes with RE2's meaning. */
export {
  type Matcher,
  type MatcherConfig,
  type MatchOp,
  matchAll,
  parseMatcherList,
  parseMatchers,
} from './matchers/index.js';
/** What ingest takes, and what `engine.inspect()` and the silence operations return. */
export type {
  DeliveryJob,
  GroupState,
  Incident,
  IngestInput,
  NotificationLogEntry,
  PagedContact,
  Silence,
  SilenceInput,
} from './model.js';
/** What messages are rendered from (the data templates see). */
export type { NotificationAlert, NotificationData } from './notification.js';
/** Secrets: SecretRef or inline values, resolved through an injected resolver (`options.secrets`). */
export { createDefaultSecretResolver, type SecretInput, type SecretResolver } from './secrets.js';
/** Source adapters: event types -> alerts (`options.sources`). */
export {
  type AlertDraft,
  AUTOMATION_SOURCES,
  CHIRPSTACK_SOURCES,
  DEFAULT_SOURCES,
  RFID_SOURCES,
  type SourceAdapter,
  type SourceAdapters,
  withConvertedVersions,
} from './sources/index.js';
/**
 * The store interface and its memory implementation (`options.store`); Postgres and PGlite stores are
 * in the entries `@fieldops/notify/pg` and `@fieldops/notify/pglite`.
 */
export { MemoryNotifyStore, type MemoryStoreOptions } from './store/memory-store.js';
export type {
  NotifyStore,
  StoreCollection,
  StoreFence,
  StoreLeases,
  StoreWrite,
  StoreWriteOptions,
} from './store/store.js';
/** Default message templates per event type (handlebars), for `templates` to override. */
export { DEFAULT_TEMPLATE, DEFAULT_TEMPLATES } from './templates/defaults.js';
/** Injected dependencies and shared types. */
export type {
  AckInfo,
  AlertRecord,
  ChannelAddress,
  Clock,
  Labels,
  Logger,
  RandomSource,
  TimerApi,
} from './types.js';
/** The WhatsApp webhook receiver (Fetch API handler). */
export {
  createWhatsAppWebhookHandler,
  parseAckReply,
  verifyHubSignature,
  type WhatsAppWebhookOptions,
  type WhatsAppWebhookSink,
} from './webhook/whatsapp-webhook.js';
