import type { Acknowledgement, ChannelKind, Severity } from '@fieldops/contracts/notify/v1';
import { type Clock, type Logger, noopLogger, type Span, systemClock, type Tracer } from '@fieldops/core';

export type { Clock, Logger };

/** Label name -> value. */
export type Labels = Record<string, string>;

/** The timer functions the scheduler arms; defaults look up the globals at call time (fake timers work). */
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** @deprecated The span type is `Span` from @fieldops/core. */
export type SpanLike = Span;

/** @deprecated The tracer type is `Tracer` from @fieldops/core: pass `trace.getTracer('fieldops-notify')`. */
export type TracerLike = Tracer;

/** A random source in [0, 1). */
export type RandomSource = () => number;

/** Who acknowledged an alert, how and when. */
export interface AckInfo {
  by: string;
  via: 'api' | 'whatsapp' | 'email' | 'slack' | 'discord';
  at: string;
  note?: string;
}

/** The engine's record of one alert (one fingerprint). */
export interface AlertRecord {
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  severity: Severity;
  status: 'firing' | 'resolved';
  starts_at: string;
  ends_at?: string;
  /** When the engine last changed this record (ms). */
  updated_at: number;
  source?: string;
  event_id?: string;
  /** Set while the current firing episode is acknowledged; cleared when it resolves (re-trigger). */
  acked?: AckInfo;
  /** The incident of the current firing episode. */
  incident_id?: string;
}

/** A channel address: where one channel delivers (phone, email, or the name of a configured webhook). */
export interface ChannelAddress {
  channel: ChannelKind;
  to: string;
}

/** @deprecated Use `noopLogger` from @fieldops/core. */
export const SILENT_LOGGER: Logger = noopLogger;

/** @deprecated Use `systemClock` from @fieldops/core. */
export const SYSTEM_CLOCK: Clock = systemClock;

/** The global timers, looked up on every call so fake timers installed later still apply. */
export const GLOBAL_TIMERS: TimerApi = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** What ingest did with one input. */
export type IngestResult =
  | { kind: 'alert'; fingerprint: string; status: 'firing' | 'resolved'; groups: string[] }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: string };

/** An acknowledgement request: by ack code (what people reply) or by alert fingerprint. */
export interface AcknowledgeInput {
  ack_code?: string;
  fingerprint?: string;
  by: string;
  via?: AckInfo['via'];
  note?: string;
  /** Where a reply came from; for any `via` but `api` it must have been notified for the incident. */
  from?: ChannelAddress;
}

/** What an acknowledgement stopped. */
export interface AcknowledgeResult {
  /** The acknowledgement as the contract (`notify.v1.Acknowledgement`) records it. */
  acknowledgement: Acknowledgement;
  incident_id: string | undefined;
  ack_code: string | undefined;
  fingerprints: string[];
  already_acknowledged: boolean;
  cancelled_deliveries: number;
  cancelled_escalation: boolean;
}

/** A WhatsApp delivery status fed back by the webhook. */
export interface WhatsAppStatusInput {
  id: string;
  status: string;
  recipient_id?: string;
  /** Unix seconds, as the webhook sends it. */
  timestamp?: string;
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
}
