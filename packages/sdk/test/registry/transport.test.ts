import { type paths, REGISTRY_API } from '@fieldops/contracts/registry/v1';
import type { Span, Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  createRegistryClient,
  DEFAULT_RETRY,
  parseRetryAfter,
  retryDelayMs,
  shouldRetry,
  TimeoutError,
} from '../../src/registry/index.js';
import { createTransport } from '../../src/transport/transport.js';

const HEALTH = { status: 'ok', time: '2026-11-27T10:00:00Z' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('shouldRetry', () => {
  const base = { attempt: 1, maxAttempts: 4, idempotent: true, maxRetryAfterMs: 60_000 };
  it.each([
    [{ status: undefined }, true, 'no response'],
    [{ status: 429 }, true, 'rate limited'],
    [{ status: 500 }, true, 'internal error'],
    [{ status: 502 }, true, 'bad gateway'],
    [{ status: 503 }, true, 'unavailable'],
    [{ status: 504 }, true, 'gateway timeout'],
    [{ status: 409, errorCode: 'idempotency_key_in_use' }, true, 'same key in flight'],
    [{ status: 409, errorCode: 'already_exists' }, false, 'a real conflict'],
    [{ status: 400 }, false, 'bad request'],
    [{ status: 404 }, false, 'not found'],
    [{ status: 412 }, false, 'precondition'],
    [{ status: 422 }, false, 'key reused'],
    [{ status: 503, idempotent: false }, false, 'not safe to repeat'],
    [{ status: 503, attempt: 4 }, false, 'out of attempts'],
    [{ status: 429, retryAfterMs: 120_000 }, false, 'Retry-After too long'],
    [{ status: 503, aborted: true }, false, 'aborted'],
  ])('%j -> %s (%s)', (o, expected, _why) => {
    expect(shouldRetry({ ...base, ...o })).toBe(expected);
  });
});

describe('retryDelayMs and parseRetryAfter', () => {
  it('doubles with full jitter (as documented) up to the cap, and prefers Retry-After', () => {
    const o = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, o, () => 0.5))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(retryDelayMs(1, o, () => 0)).toBe(0);
    expect(retryDelayMs(1, o, () => 0.999)).toBe(100);
    expect(retryDelayMs(3, o, () => 0.5, 2500)).toBe(2500);
  });
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(DEFAULT_RETRY.maxAttempts).toBe(4);
  });
});

describe('transport', () => {
  it('times out each attempt and reports TimeoutError after the retries', async () => {
    let calls = 0;
    const c = createRegistryClient({
      baseUrl: 'http://registry.test',
      timeoutMs: 20,
      retry: { maxAttempts: 2 },
      sleep: async () => {},
      fetch: (r) => {
        calls += 1;
        return new Promise((_, reject) => r.signal.addEventListener('abort', () => reject(r.signal.reason)));
      },
    });
    const err = await c.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toMatch(/getHealth: no response within 20 ms/);
    expect(calls).toBe(2);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const t = createTransport<paths>(REGISTRY_API, {
      baseUrl: 'http://registry.test',
      // the caller gives up during the first backoff
      sleep: async (_ms, signal) => {
        controller.abort(new Error('caller gave up'));
        if (signal?.aborted) throw signal.reason;
      },
      fetch: async () => {
        calls += 1;
        return json(503, { error: { code: 'unavailable', message: 'down' } });
      },
    });
    const call = t.call('getHealth', (init) => t.client.GET('/api/v1/health', { ...init }), {
      signal: controller.signal,
    });
    await expect(call).rejects.toThrow('caller gave up');
    expect(calls).toBe(1);
  });

  it('keeps one trace id across attempts, a new span id per attempt, and continues a given trace', async () => {
    const seen: string[] = [];
    let n = 0;
    const c = createRegistryClient({
      baseUrl: 'http://registry.test',
      sleep: async () => {},
      fetch: async (r) => {
        seen.push(r.headers.get('traceparent')!);
        return ++n < 3 ? json(503, { error: { code: 'unavailable', message: 'x' } }) : json(200, HEALTH);
      },
    });
    await c.health();
    const parts = seen.map((t) => t.split('-'));
    expect(new Set(parts.map((p) => p[1])).size).toBe(1);
    expect(new Set(parts.map((p) => p[2])).size).toBe(3);
    expect(seen[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('resolves a token function per attempt and sends it only on authenticated operations', async () => {
    const auth: (string | null)[] = [];
    let rotations = 0;
    const c = createRegistryClient({
      baseUrl: 'http://registry.test',
      token: async () => `tok-${++rotations}`,
      sleep: async () => {},
      fetch: async (r) => {
        auth.push(r.headers.get('authorization'));
        if (r.url.endsWith('/health')) return json(200, HEALTH);
        return auth.length < 2
          ? json(503, { error: { code: 'unavailable', message: 'x' } })
          : json(200, { items: [], next_cursor: null });
      },
    });
    await c.listDevicePage();
    await c.health();
    expect(auth).toEqual(['Bearer tok-1', 'Bearer tok-2', null]);
  });

  it('runs caller middleware in the openapi-fetch style', async () => {
    const c = createRegistryClient({
      baseUrl: 'http://registry.test/',
      middleware: [
        {
          onRequest: ({ request }) => {
            request.headers.set('x-site', 'bkk');
            return request;
          },
        },
      ],
      fetch: async (r) =>
        json(200, { ...HEALTH, version: `${r.headers.get('x-site')} ${new URL(r.url).pathname}` }),
    });
    expect((await c.health()).version).toBe('bkk /api/v1/health');
  });

  it('opens one CLIENT span per call when given a tracer', async () => {
    const spans: { name: string; attributes: Record<string, unknown>; status?: unknown; ended: boolean }[] =
      [];
    const tracer = {
      startSpan(name: string, opts: { attributes: Record<string, unknown> }) {
        const rec = { name, attributes: { ...opts.attributes }, ended: false } as (typeof spans)[number];
        spans.push(rec);
        const span = {
          spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
          setAttribute: (k: string, v: unknown) => {
            rec.attributes[k] = v;
            return span;
          },
          setStatus: (s: unknown) => {
            rec.status = s;
            return span;
          },
          end: () => {
            rec.ended = true;
          },
        };
        return span as unknown as Span;
      },
    } as unknown as Tracer;
    let traceparent = '';
    const c = createRegistryClient({
      baseUrl: 'http://registry.test',
      tracer,
      fetch: async (r) => {
        traceparent = r.headers.get('traceparent')!;
        return r.url.endsWith('/health')
          ? json(200, HEALTH)
          : json(404, { error: { code: 'not_found', message: 'no' } });
      },
    });
    await c.health();
    await c.getDevice('dev_0001abcd').catch(() => {});
    expect(traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
    expect(spans.map((s) => [s.name, s.ended, s.attributes['http.response.status_code']])).toEqual([
      ['registry.v1 getHealth', true, 200],
      ['registry.v1 getDevice', true, 404],
    ]);
    expect(spans[1]!.status).toEqual({ code: 2, message: 'not_found' });
    expect(spans[1]!.attributes['url.template']).toBe('/api/v1/devices/{device_id}');
  });
});
