import type { ChannelKind, Severity } from '@fieldops/contracts/notify/v1';

/** Label name -> value. */
export type Labels = Record<string, string>;

/** Milliseconds since the epoch, injected so tests need no real clock. */
export interface Clock {
  now(): number;
}

/** The timer functions the scheduler arms; defaults look up the globals at call time (fake timers work). */
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A pino-compatible logger: `logger.info({ ...fields }, 'message')`. */
export interface Logger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The part of an OpenTelemetry span notify uses (structurally compatible with `@opentelemetry/api`). */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of an OpenTelemetry tracer notify uses: pass `trace.getTracer('fieldops-notify')`. */
export interface TracerLike {
  startSpan(name: string, options?: { attributes?: Record<string, string | number | boolean> }): SpanLike;
}

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

/** The no-op logger. */
export const SILENT_LOGGER: Logger = {
  info() {},
  warn() {},
  error() {},
};

/** Real time. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** The global timers, looked up on every call so fake timers installed later still apply. */
export const GLOBAL_TIMERS: TimerApi = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};
