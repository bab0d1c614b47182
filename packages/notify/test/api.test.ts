import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, baseConfig, engineWithRecorders, gatewayEvent, useFakeClock } from './support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

const BASE = 'http://notify.local/notify';
const call = (
  handler: (r: Request) => Promise<Response>,
  method: string,
  path: string,
  body?: unknown,
  token = 'api-token-1',
) =>
  handler(
    new Request(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );

const body = async (r: Response): Promise<any> => r.json();

describe('HTTP API', () => {
  it('ingests events, acknowledges by code, and manages silences', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    const api = engine.apiHandler({
      token: { value: 'api-token-1' },
      operators: { somchai: { value: 'op-somchai-token' } },
    });
    expect((await call(api, 'GET', '/alerts', undefined, 'wrong')).status).toBe(401);

    const r = await call(api, 'POST', '/events', [gatewayEvent('offline')]);
    expect(r.status).toBe(202);
    expect((await body(r)).results[0].kind).toBe('alert');
    const bad = await call(api, 'POST', '/events', {
      specversion: '1.0',
      id: 'x',
      source: 's',
      type: 'io.fieldops.chirpstack.gateway.offline.v1',
      data: {},
    });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.code).toBe('input_invalid');

    await advance(engine, 30_000);
    const code = channels.whatsapp.sent[0]!.ack_code!;
    const OP = 'op-somchai-token';
    expect((await call(api, 'POST', '/acks', { ack_code: 'ZZZZZZ', by: 'me' }, OP)).status).toBe(404);
    const ack = await call(api, 'POST', '/acks', { ack_code: code, by: 'somchai', note: 'on my way' }, OP);
    expect(ack.status).toBe(200);
    expect((await body(await call(api, 'GET', '/alerts'))).alerts[0].acked).toMatchObject({
      by: 'somchai',
      via: 'api',
    });

    const created = await call(api, 'POST', '/silences', {
      matchers: ['site="site_01"'],
      ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      created_by: 'somchai',
    });
    expect(created.status).toBe(201);
    const silence = await body(created);
    expect((await body(await call(api, 'GET', '/silences'))).silences).toHaveLength(1);
    expect((await call(api, 'DELETE', `/silences/${silence.id}`)).status).toBe(200);
    expect((await call(api, 'DELETE', '/silences/sil_nope')).status).toBe(404);
    expect(
      (await call(api, 'POST', '/silences', { matchers: [], ends_at: 'x', created_by: 'a' })).status,
    ).toBe(400);
    await engine.stop();
  });
});

describe('API acknowledgements (issue 11 item 9)', () => {
  it('need an operator token and record the operator, not what the body claims', async () => {
    const { engine, channels } = engineWithRecorders(baseConfig());
    const api = engine.apiHandler({
      token: { value: 'api-token-1' },
      operators: { nok: { value: 'op-nok-token' } },
    });
    await call(api, 'POST', '/events', [gatewayEvent('offline')]);
    await advance(engine, 30_000);
    const code = channels.whatsapp.sent[0]!.ack_code!;
    // The service token may ingest and read, not acknowledge.
    const refused = await call(api, 'POST', '/acks', { ack_code: code, by: 'somchai' });
    expect(refused.status).toBe(403);
    expect((await body(refused)).error.code).toBe('ack_forbidden');
    expect(engine.inspect().incidents[0]!.status).toBe('open');
    // An operator's token: acknowledged by that operator whatever `by` says.
    const ok = await call(api, 'POST', '/acks', { ack_code: code, by: 'the-ceo' }, 'op-nok-token');
    expect(ok.status).toBe(200);
    expect((await body(ok)).acknowledgement).toMatchObject({ by: 'nok', via: 'api' });
    expect(engine.inspect().incidents[0]!.acked).toMatchObject({ by: 'nok' });
    await engine.stop();
  });
});
