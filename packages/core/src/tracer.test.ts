import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SPAN_KIND, SPAN_STATUS, type Tracer } from './tracer.js';

describe('Tracer', () => {
  it('is satisfied by an OpenTelemetry tracer, and the numbers match OpenTelemetry enums', () => {
    const tracer: Tracer = trace.getTracer('fieldops-test');
    const span = tracer.startSpan('x', { kind: SPAN_KIND.CLIENT, attributes: { a: 1 } });
    span.setStatus({ code: SPAN_STATUS.ERROR });
    span.end();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(SPAN_KIND.CLIENT).toBe(SpanKind.CLIENT);
    expect(SPAN_STATUS.ERROR).toBe(SpanStatusCode.ERROR);
    expect(SPAN_STATUS.OK).toBe(SpanStatusCode.OK);
  });
});
