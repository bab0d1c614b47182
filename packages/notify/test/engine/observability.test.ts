import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpanLike, TracerLike } from '../../src/types.js';
import {
  advance,
  baseConfig,
  captureLogger,
  engineWithRecorders,
  gatewayEvent,
  useFakeClock,
} from '../support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('logs, spans and batch ingest', () => {
  it('logs one structured line per delivery attempt and opens one span per attempt when given a tracer', async () => {
    const spans: {
      name: string;
      attributes: Record<string, unknown>;
      status?: { code: number };
      ended: boolean;
    }[] = [];
    const tracer: TracerLike = {
      startSpan(name, options) {
        const s = {
          name,
          attributes: { ...options?.attributes } as Record<string, unknown>,
          ended: false,
        } as (typeof spans)[number];
        spans.push(s);
        const span: SpanLike = {
          spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
          setAttribute: (k, v) => {
            s.attributes[k] = v;
          },
          setStatus: (st) => {
            s.status = st;
          },
          end: () => {
            s.ended = true;
          },
        };
        return span;
      },
    };
    const logger = captureLogger();
    const { engine, channels } = engineWithRecorders(baseConfig(), { logger, tracer });
    let n = 0;
    channels.whatsapp.respond = () =>
      ++n === 1
        ? { ok: false, retryable: true, code: '131000', message: 'temporary' }
        : { ok: true, provider_message_id: 'wamid.9' };
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 32_000, 500);
    const lines = logger.lines.map((l) => JSON.parse(l)).filter((l) => l.operation === 'deliver');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      contract: 'notify',
      version: 1,
      target: 'whatsapp',
      outcome: 'failed',
      attempt: 1,
      error_code: '131000',
    });
    expect(lines[1]).toMatchObject({ outcome: 'sent', attempt: 2 });
    expect(lines[1].duration_ms).toBeTypeOf('number');
    expect(lines[1].correlation_id).toMatch(/^ntf_/);
    expect(spans.map((s) => [s.name, s.attributes['notify.outcome'], s.status?.code, s.ended])).toEqual([
      ['notify.deliver', 'retry', 2, true],
      ['notify.deliver', 'sent', 1, true],
    ]);
    await engine.stop();
  });

  it('ingests a batch in one go, reporting invalid items without dropping the rest', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const e = gatewayEvent('offline');
    const results = await engine.ingestBatch([
      e,
      { ...e, id: 'other', data: {} } as never,
      e,
      gatewayEvent('offline', '0016c001ff10a999'),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['alert', 'invalid', 'duplicate', 'alert']);
    await engine.stop();
  });
});
