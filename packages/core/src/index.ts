// @fieldops/core: the basics shared by every fieldops package. This root entry imports nothing of ours
// and nothing from npm; each export below is one small module. The secrets live in
// `@fieldops/core/secrets` (it imports @fieldops/contracts).

// Time
export { type Clock, systemClock, toClock } from './clock.js';
// Errors
export { FieldopsError, type FieldopsErrorOptions } from './errors.js';
// Logging
export { type LogFields, type Logger, noopLogger } from './logger.js';
// Retries
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  type Jitter,
  type NoRetryReason,
  parseRetryAfter,
  type RetryDecision,
  type RetryInput,
  type RetryPolicy,
  retryPolicy,
} from './retry.js';
export { type Sleep, sleep } from './sleep.js';
// Tracing
export {
  SPAN_KIND,
  SPAN_STATUS,
  type Span,
  type SpanAttributeValue,
  type SpanContextLike,
  type StartSpanOptions,
  type Tracer,
} from './tracer.js';
