import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from '../support/helpers.js';

// Issue 11 items 13, 16 (silences API) and 19 (datacontenttype parameters, CloudEvents binary mode).

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const json = async (r: Response): Promise<any> => r.json();
const BASE = 'http://notify.local/notify';
const TOKEN = 'api-token-1';

function setup() {
  const { engine } = engineWithRecorders(baseConfig());
  return { engine, api: engine.apiHandler({ token: { value: TOKEN } }) };
}

const post = (path: string, body: string, headers: Record<string, string> = {}): Request =>
  new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });

describe('POST /notify/events input', () => {
  it('answers a body of `null` with 400 and the API error body naming the contracts', async () => {
    const { engine, api } = setup();
    const r = await api(post('/events', 'null'));
    expect(r.status).toBe(400);
    expect(await json(r)).toEqual({
      error: {
        code: 'input_invalid',
        message:
          '@fieldops/notify: ingest: events.v1.CloudEvent or notify.v1.Alert: (root): expected a JSON object',
      },
    });
    expect((await api(post('/events', '[1]'))).status).toBe(400);
    await engine.stop();
  });

  it('accepts datacontenttype with media-type parameters (what CloudEvents SDKs send)', async () => {
    const { engine, api } = setup();
    const ev = { ...gatewayEvent('offline'), datacontenttype: 'application/json; charset=utf-8' };
    const r = await api(post('/events', JSON.stringify(ev)));
    expect(r.status).toBe(202);
    expect((await json(r)).results[0]).toMatchObject({ kind: 'alert', status: 'firing' });
    const bad = await api(
      post('/events', JSON.stringify({ ...gatewayEvent('offline'), datacontenttype: 'text/plain' })),
    );
    expect(bad.status).toBe(400);
    await engine.stop();
  });

  it('accepts CloudEvents binary content mode (ce-* headers, data as the body)', async () => {
    // CloudEvents HTTP protocol binding v1.0.2 §3.1 "Binary Content Mode": attributes in ce-* headers,
    // Content-Type carries datacontenttype, the body is the data.
    const { engine, api } = setup();
    const ev = gatewayEvent('offline');
    const r = await api(
      post('/events', JSON.stringify(ev.data), {
        'content-type': 'application/json; charset=utf-8',
        'ce-specversion': '1.0',
        'ce-id': ev.id,
        'ce-source': encodeURIComponent(ev.source).replace(/%2F/g, '/'),
        'ce-type': ev.type,
        'ce-time': ev.time as string,
      }),
    );
    expect(r.status).toBe(202);
    const result = (await json(r)).results[0];
    expect(result).toMatchObject({ kind: 'alert', status: 'firing' });
    expect(engine.inspect().alerts[0]).toMatchObject({ source: ev.source, event_id: ev.id });
    // Replaying the same event in structured mode is a duplicate (source + id).
    expect((await json(await api(post('/events', JSON.stringify(ev))))).results[0]).toEqual({
      kind: 'duplicate',
    });
    // Binary mode with a missing required attribute names it.
    const missing = await api(post('/events', '{}', { 'ce-specversion': '1.0', 'ce-type': ev.type }));
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toMatch(/id/);
    await engine.stop();
  });

  it('refuses a body that is not JSON with 415', async () => {
    const { engine, api } = setup();
    const r = await api(post('/events', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }));
    expect(r.status).toBe(415);
    await engine.stop();
  });
});

describe('POST /notify/silences validates its matchers', () => {
  it('refuses nonsense matchers with 400 naming the field, and adds nothing', async () => {
    const { engine, api } = setup();
    const ends_at = new Date(Date.now() + 3_600_000).toISOString();
    for (const matchers of [
      [{ evil: 1 }],
      [{ name: 'site', value: 3 }],
      [{ name: 'site', op: '==', value: 'x' }],
      [7],
    ]) {
      const r = await api(post('/silences', JSON.stringify({ matchers, ends_at, created_by: 'a' })));
      expect(r.status, JSON.stringify(matchers)).toBe(400);
      expect((await json(r)).error.message).toMatch(/silence\.matchers\[0\]/);
    }
    const extra = await api(
      post('/silences', JSON.stringify({ matchers: ['a=b'], ends_at, created_by: 'a', evil: 1 })),
    );
    expect(extra.status).toBe(400);
    expect(engine.listSilences()).toEqual([]);
    const ok = await api(
      post(
        '/silences',
        JSON.stringify({
          matchers: [{ name: 'site', op: '=~', value: 'site_0.*' }],
          ends_at,
          created_by: 'a',
        }),
      ),
    );
    expect(ok.status).toBe(201);
    await engine.stop();
  });
});
