// The part of OpenTelemetry fieldops uses, written structurally so the packages need no dependency
// on `@opentelemetry/api`: pass `trace.getTracer('my-service')` and it fits.

/** An attribute value on a span. */
export type SpanAttributeValue = string | number | boolean;

/** Span kinds as OpenTelemetry numbers them (`SpanKind.CLIENT` is 2). */
export const SPAN_KIND = Object.freeze({ INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 });

/** Span status codes as OpenTelemetry numbers them (`SpanStatusCode.ERROR` is 2). */
export const SPAN_STATUS = Object.freeze({ UNSET: 0, OK: 1, ERROR: 2 });

/** The identity of a span, as sent in a W3C `traceparent`. */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** The part of an OpenTelemetry span fieldops calls. */
export interface Span {
  spanContext(): SpanContextLike;
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** Options fieldops passes when it starts a span. */
export interface StartSpanOptions {
  kind?: number;
  attributes?: Record<string, SpanAttributeValue>;
}

/** The part of an OpenTelemetry tracer fieldops calls: `trace.getTracer(name)` satisfies it. */
export interface Tracer {
  /** `context` is an OpenTelemetry Context (a parent span); fieldops passes one only where it nests spans. */
  startSpan(name: string, options?: StartSpanOptions, context?: unknown): Span;
}
