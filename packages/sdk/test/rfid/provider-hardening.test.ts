// Issue 11, RFID items: station-token scoping (3), bounded bodies read after authentication (4),
// one-use claim codes (12), and clear 4xx answers for malformed requests (13).
import { request as httpRequest } from 'node:http';
import { ClaimResponse, ErrorBody, IngestResult } from '@fieldops/contracts/rfid/v1';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryRfidBackend,
  createRfidHandler,
  type ServedHandler,
  serveFetchHandler,
} from '../../src/rfid/index.js';
import { tagReads } from './fixtures.js';

const BASE = 'http://rfid.test';
const OPERATOR = 'operator-token-hardening';

function req(
  path: string,
  init: { token?: string; body?: unknown; headers?: Record<string, string>; method?: string } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  return new Request(`${BASE}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined
      ? {
          body:
            typeof init.body === 'string' || init.body instanceof Uint8Array
              ? init.body
              : JSON.stringify(init.body),
        }
      : {}),
  });
}

async function errorOf(res: Response) {
  const body = await res.json();
  expect(ErrorBody.safeParse(body).success).toBe(true);
  return (body as { error: { code: string; message: string; details?: { path: string }[] } }).error;
}

async function twoStations() {
  const backend = createMemoryRfidBackend({
    apiTokens: [OPERATOR],
    claimCodes: ['CODE-A-0001', 'CODE-B-0001'],
  });
  const h = createRfidHandler({ backend });
  const claim = async (code: string, mac: string) => {
    const res = await h(req('/api/v1/stations/claim', { body: { claim_code: code, mac } }));
    expect(res.status).toBe(200);
    const c = ClaimResponse.parse(await res.json());
    return { id: c.station_id as string, token: c.station_token };
  };
  const a = await claim('CODE-A-0001', '02:00:00:00:00:0a');
  const b = await claim('CODE-B-0001', '02:00:00:00:00:0b');
  return { backend, h, a, b };
}

describe('station tokens act only on their own station (item 3)', () => {
  it("refuses station A's token writing B's events, reading B's status and mapping anything", async () => {
    const { backend, h, a, b } = await twoStations();
    const forB = await h(
      req('/api/v1/events', {
        token: a.token,
        body: { events: tagReads(1, 0, b.id) },
        headers: { 'idempotency-key': 'key-scope-0001' },
      }),
    );
    expect(forB.status).toBe(403);
    expect((await errorOf(forB)).details?.[0]?.path).toBe('events[0].station_id');
    expect(backend.events()).toEqual([]);

    expect((await h(req(`/api/v1/stations/${b.id}/status`, { token: a.token }))).status).toBe(403);
    expect((await h(req(`/api/v1/stations/${a.id}/status`, { token: a.token }))).status).toBe(200);

    const map = { site_id: 'site_evil0001', line_id: 'moved' };
    expect((await h(req(`/api/v1/stations/${b.id}/map`, { token: a.token, body: map }))).status).toBe(403);
    expect((await h(req(`/api/v1/stations/${a.id}/map`, { token: a.token, body: map }))).status).toBe(403);
    expect((await h(req(`/api/v1/stations/${a.id}/map`, { token: OPERATOR, body: map }))).status).toBe(200);
    const statusB = await (await h(req(`/api/v1/stations/${b.id}/status`, { token: OPERATOR }))).json();
    expect(statusB).not.toHaveProperty('line_id');
  });

  it('refuses events of a station that was never claimed instead of creating it', async () => {
    const { h, a } = await twoStations();
    const phantom = 'stn_phantom0001';
    const asOperator = await h(
      req('/api/v1/events', {
        token: OPERATOR,
        body: { events: tagReads(1, 0, phantom) },
        headers: { 'idempotency-key': 'key-phantom-01' },
      }),
    );
    expect(asOperator.status).toBe(404);
    expect((await errorOf(asOperator)).code).toBe('unknown_station');
    const asStation = await h(
      req('/api/v1/events', {
        token: a.token,
        body: { events: tagReads(1, 0, phantom) },
        headers: { 'idempotency-key': 'key-phantom-02' },
      }),
    );
    expect(asStation.status).toBe(403);
    expect((await h(req(`/api/v1/stations/${phantom}/status`, { token: OPERATOR }))).status).toBe(404);
  });

  it("scopes Idempotency-Keys to the caller: B never gets A's stored answer", async () => {
    const { h, a, b } = await twoStations();
    const key = { 'idempotency-key': 'shared-key-0001' };
    const first = await h(
      req('/api/v1/events', { token: a.token, body: { events: tagReads(1, 0, a.id) }, headers: key }),
    );
    expect(IngestResult.parse(await first.json())).toEqual({ accepted: 1, duplicates: 0 });
    const second = await h(
      req('/api/v1/events', { token: b.token, body: { events: tagReads(3, 10, b.id) }, headers: key }),
    );
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(IngestResult.parse(await second.json())).toEqual({ accepted: 3, duplicates: 0 });
  });
});

describe('claim codes are one use; re-issuing a token is an operator action (item 12)', () => {
  it('refuses a re-claim with a used code and the same MAC, and the real token keeps working', async () => {
    const { h, a } = await twoStations();
    const again = await h(
      req('/api/v1/stations/claim', { body: { claim_code: 'CODE-A-0001', mac: '02:00:00:00:00:0a' } }),
    );
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('claim_code_used');
    expect((await h(req(`/api/v1/stations/${a.id}/status`, { token: a.token }))).status).toBe(200);
  });

  it('re-issues with an operator token (old token revoked), never with a station token', async () => {
    const { h, a, b } = await twoStations();
    expect((await h(req(`/api/v1/stations/${a.id}/token`, { token: b.token, method: 'POST' }))).status).toBe(
      403,
    );
    expect((await h(req(`/api/v1/stations/${a.id}/token`, { token: a.token, method: 'POST' }))).status).toBe(
      403,
    );
    const res = await h(req(`/api/v1/stations/${a.id}/token`, { token: OPERATOR, method: 'POST' }));
    expect(res.status).toBe(200);
    const fresh = ClaimResponse.parse(await res.json());
    expect(fresh.station_id).toBe(a.id);
    expect((await h(req(`/api/v1/stations/${a.id}/status`, { token: a.token }))).status).toBe(401);
    expect((await h(req(`/api/v1/stations/${a.id}/status`, { token: fresh.station_token }))).status).toBe(
      200,
    );
    expect(
      (await h(req('/api/v1/stations/stn_nothere1/token', { token: OPERATOR, method: 'POST' }))).status,
    ).toBe(404);
  });
});

describe('malformed requests get the contract error body, never 500 (item 13)', () => {
  const h = createRfidHandler({ backend: createMemoryRfidBackend({ stations: ['stn_0001abcd'] }) });

  it('answers 400 to malformed percent-encoding in the path', async () => {
    const res = await h(req('/api/v1/stations/%E0%A4%A/status'));
    expect(res.status).toBe(400);
    const e = await errorOf(res);
    expect(e.details?.[0]).toMatchObject({ path: 'id', message: 'malformed percent-encoding' });
  });

  it.each([
    ['text/plain', JSON.stringify({ events: tagReads(1) })],
    ['application/x-www-form-urlencoded', 'events=1'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('answers 415 to a %s body', async (type, body) => {
    const res = await h(
      req('/api/v1/events', { body, headers: { 'content-type': type, 'idempotency-key': 'key-415-0001' } }),
    );
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('unsupported_media_type');
  });

  it('answers 400 to invalid UTF-8 instead of storing U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify({ events: tagReads(1) }));
    const at = json.indexOf('evt-');
    const bytes = Buffer.concat([json.subarray(0, at + 4), Buffer.from([0xff, 0xfe]), json.subarray(at + 6)]);
    const res = await h(
      req('/api/v1/events', { body: new Uint8Array(bytes), headers: { 'idempotency-key': 'key-utf8-0001' } }),
    );
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_encoding');
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await h(
      req('/api/v1/events', {
        body: { events: tagReads(1) },
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': 'key-charset-01' },
      }),
    );
    expect(res.status).toBe(200);
  });
});

// ---- node:http: bodies are refused before they are read -----------------------------------

const servers: ServedHandler[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** Sends headers, then `chunks` of 64 KiB until the server answers or `maxChunks` went out. */
function upload(
  url: string,
  headers: Record<string, string>,
  maxChunks: number,
): Promise<{ status: number; body: string; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    let sent = 0;
    let answered = false;
    const r = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers },
      (res) => {
        answered = true;
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentBytes: sent }));
        res.on('error', reject);
      },
    );
    r.on('error', (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      if (answered || sent >= maxChunks * chunk.length) return;
      sent += chunk.length;
      r.write(chunk, () => setImmediate(pump));
    };
    pump();
  });
}

describe('serveFetchHandler bounds request bodies (item 4)', { timeout: 20_000 }, () => {
  async function serve() {
    const backend = createMemoryRfidBackend({ apiTokens: [OPERATOR], stations: ['stn_0001abcd'] });
    const s = await serveFetchHandler(createRfidHandler({ backend, maxBodyBytes: 256 * 1024 }), {
      port: 0,
      host: '127.0.0.1',
    });
    servers.push(s);
    return `${s.url}/api/v1/events`;
  }

  it('answers 401 to a huge chunked upload without a token before reading its body', async () => {
    const url = await serve();
    const r = await upload(
      url,
      {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        'idempotency-key': 'key-big-00001',
      },
      2000, // would be 125 MiB; the answer comes long before
    );
    expect(r.status).toBe(401);
    expect(r.sentBytes).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const url = await serve();
    const r = await upload(
      url,
      {
        authorization: `Bearer ${OPERATOR}`,
        'content-type': 'application/json',
        'content-length': String(10 * 1024 * 1024),
        'idempotency-key': 'key-big-00002',
      },
      2000,
    );
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('payload_too_large');
    expect(r.sentBytes).toBeLessThan(32 * 1024 * 1024);
  });

  it('stops reading a chunked upload at maxBodyBytes with 413', async () => {
    const url = await serve();
    const r = await upload(
      url,
      {
        authorization: `Bearer ${OPERATOR}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        'idempotency-key': 'key-big-00003',
      },
      2000,
    );
    expect(r.status).toBe(413);
    expect(r.sentBytes).toBeLessThan(32 * 1024 * 1024);
  });
});
