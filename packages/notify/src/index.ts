// @fieldops/notify: the notifications engine. Exports are listed by hand, grouped by stage.

// Channels
/** The channel interface every channel implements. */
export type { Channel, ChannelDeps, ChannelFailure, ChannelSuccess, SendResult } from './channels/channel.js';
/** Discord webhooks. */
export { createDiscordChannel, discordRetryAfterMs, escapeDiscord } from './channels/discord/index.js';
/** Email over SMTP. */
export { classifySmtpError, createEmailChannel, escapeHtml } from './channels/email/index.js';
/** Slack incoming webhooks. */
export { createSlackChannel, escapeSlack } from './channels/slack/index.js';
/** WhatsApp Cloud API. */
export {
  buildWhatsAppBody,
  CUSTOMER_SERVICE_WINDOW_MS,
  classifyWhatsAppError,
  createWhatsAppChannel,
  normalizePhone,
  WhatsAppWindows,
} from './channels/whatsapp/index.js';
/** Configuration types, defaults and the validator. */
export {
  type ContactConfig,
  DEFAULT_ROUTE_OPTIONS,
  type DiscordChannelConfig,
  type EmailChannelConfig,
  type EscalationPolicyConfig,
  type InhibitRuleConfig,
  type NormalizedConfig,
  type NotifyConfig,
  normalizeConfig,
  type ReceiverConfig,
  type RetryConfig,
  type RouteConfig,
  type SlackChannelConfig,
  type TemplateConfig,
  type TimeIntervalsConfig,
  type WhatsAppChannelConfig,
} from './config.js';
export { RateLimiter } from './delivery/rate-limiter.js';
/** Retry decisions and rate limiting. */
export { decideRetry, type RetryDecision, type RetryPolicy } from './delivery/retry.js';
/** Durations such as `30s` or `1h30m`. */
export { type Duration, parseDuration } from './duration.js';
// Engine and configuration
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
/** The package's error classes. */
export {
  NotifyAckError,
  NotifyAckForbiddenError,
  NotifyConfigError,
  NotifyError,
  type NotifyErrorCode,
  NotifySecretError,
} from './errors.js';
/** Alert fingerprints. */
export { fingerprintOf } from './fingerprint.js';
// HTTP API
/** Events, acknowledgements, alerts and silences over HTTP (Fetch API handler). */
export { createNotifyApiHandler, type NotifyApiOptions, type NotifyApiTarget } from './http/api-handler.js';
export { buildBinaryCloudEvent, isBinaryCloudEvent } from './http/cloudevents-binary.js';
/** Media types (`application/json; charset=utf-8`) and CloudEvents binary content mode. */
export { isJsonMediaType, type MediaType, parseMediaType } from './http/media-type.js';
/** Mounts any of the Fetch API handlers on `node:http`. */
export { type NodeListenerOptions, toNodeListener } from './http/node-listener.js';
/** Checks a handler makes before reading a body, and a bounded body reader. */
export { DEFAULT_MAX_BODY_BYTES, type PreflightHandler, readBodyCapped } from './http/preflight.js';
/** Label matchers (`name=value`, `!=`, `=~`, `!~`). */
export { type Matcher, type MatcherConfig, matchAll, parseMatcher } from './matchers.js';
/** What messages are rendered from. */
export type { NotificationAlert, NotificationData } from './notification.js';
/** The one scheduler and its heap. */
export { Scheduler, type SchedulerOptions } from './scheduler/scheduler.js';
export { TimerHeap } from './scheduler/timer-heap.js';
/** Secrets: SecretRef or inline values, resolved through an injected resolver and redacted everywhere. */
export {
  createDefaultSecretResolver,
  type SecretInput,
  type SecretResolver,
  SecretVault,
} from './secrets.js';
// Sources
/** Source adapters: event types -> alerts. */
export {
  type AlertDraft,
  AUTOMATION_SOURCES,
  CHIRPSTACK_SOURCES,
  DEFAULT_SOURCES,
  RFID_SOURCES,
  type SourceAdapter,
  type SourceAdapters,
} from './sources/index.js';
/** Dedup: the notification log. */
export { DedupStage, type NotificationLogEntry } from './stages/dedup.js';
/** Deliver: rendering, rate limits, retries, failover. */
export { type AttemptOutcome, DeliverStage, type DeliveryJob } from './stages/deliver.js';
/** Escalate: incidents, ack codes, levels and loops. */
export { buildAckCode, EscalateStage, type Incident } from './stages/escalate.js';
/** Group: aggregation groups. */
export { buildGroupKey, GroupStage, type GroupState } from './stages/group.js';
// Stages (usable on their own; the engine composes them)
/** Ingest: contract validation, idempotency by `source` + `id`. */
export { EventKeyLog, type IngestInput, IngestStage } from './stages/ingest.js';
/** Inhibit: source/target matchers with equal labels. */
export { InhibitStage } from './stages/inhibit.js';
/** Quiet hours in IANA time zones. */
export { QuietHours } from './stages/quiet-hours.js';
/** Route: the matcher tree. */
export { RouteTree } from './stages/route.js';
/** Silences. */
export { type Silence, type SilenceInput, SilenceStage } from './stages/silence.js';
export { MemoryNotifyStore, type MemoryStoreOptions } from './store/memory-store.js';

// State and time
/** The store interface and its memory implementation. */
export type { NotifyStore, StoreCollection } from './store/store.js';
export { DEFAULT_TEMPLATE, DEFAULT_TEMPLATES } from './templates/defaults.js';
// Templates
/** Handlebars rendering with per-channel escaping and default templates per event type. */
export { MessageRenderer, type RenderedMessage, sanitizeTemplateParameter } from './templates/render.js';
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
// Webhook
/** The WhatsApp webhook receiver (Fetch API handler). */
export {
  createWhatsAppWebhookHandler,
  parseAckReply,
  verifyHubSignature,
  type WhatsAppWebhookOptions,
  type WhatsAppWebhookSink,
} from './webhook/whatsapp-webhook.js';
