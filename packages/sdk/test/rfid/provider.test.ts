import { ClaimResponse, ErrorBody, StationStatus } from '@fieldops/contracts/rfid/v1';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  createMemoryRfidBackend,
  createRfidClient,
  createRfidHandler,
  type RfidBackend,
  serveFetchHandler,
} from '../../src/rfid/index.js';
import { STATION, tagReads } from './fixtures.js';

const BASE = 'http://rfid.test';

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(res: Response) {
  const body = (await res.json()) as {
    error: { code: string; message: string; contract?: string; details?: { path: string }[] };
  };
  expect(ErrorBody.safeParse(body).success).toBe(true);
  return body.error;
}

describe('RFID provider handler', { timeout: 30_000 }, () => {
  const backend = createMemoryRfidBackend({ stations: [STATION, 'stn_0002abcd'] });
  const handle = createRfidHandler({ backend });

  it('rejects invalid input with the contract ErrorBody', async () => {
    const bad = { events: [{ ...tagReads(1)[0], station_id: 'nope' }] };
    const res = await handle(post('/api/v1/events', bad, { 'idempotency-key': 'key-00000001' }));
    expect(res.status).toBe(400);
    const e = await errorOf(res);
    expect(e).toMatchObject({ code: 'invalid_request', contract: 'rfid.v1.EventBatch' });
    expect(e.details?.[0]?.path).toBe('events[0].station_id');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect((await errorOf(await handle(post('/api/v1/events', { events: tagReads(1) })))).code).toBe(
      'idempotency_key_missing',
    );
    expect(
      (await errorOf(await handle(post('/api/v1/events', '{nope', { 'idempotency-key': 'key-00000002' }))))
        .code,
    ).toBe('invalid_json');
    expect((await handle(new Request(`${BASE}/api/v1/nothing`))).status).toBe(404);
    expect((await handle(new Request(`${BASE}/api/v1/events`))).status).toBe(405);
    const status = await handle(new Request(`${BASE}/api/v1/stations/stn_nothere1/status`));
    expect(status.status).toBe(404);
    expect((await handle(new Request(`${BASE}/api/v1/stations/bad/status`))).status).toBe(400);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = createRfidHandler({ backend, maxBodyBytes: 1000 });
    const res = await small(
      post('/api/v1/events', { events: tagReads(20) }, { 'idempotency-key': 'key-00000003' }),
    );
    expect(res.status).toBe(413);
  });

  it('deduplicates events by (station_id, event_id) across batches and keys', async () => {
    const b = createMemoryRfidBackend({ stations: [STATION, 'stn_0002abcd'] });
    const h = createRfidHandler({ backend: b });
    const r1 = await h(
      post('/api/v1/events', { events: tagReads(3) }, { 'idempotency-key': 'key-a-000001' }),
    );
    expect(await r1.json()).toEqual({ accepted: 3, duplicates: 0 });
    const r2 = await h(
      post('/api/v1/events', { events: tagReads(4) }, { 'idempotency-key': 'key-b-000001' }),
    );
    expect(await r2.json()).toEqual({ accepted: 1, duplicates: 3 });
    // the same ids from another station are other events
    const r3 = await h(
      post(
        '/api/v1/events',
        { events: tagReads(2, 0, 'stn_0002abcd') },
        { 'idempotency-key': 'key-c-000001' },
      ),
    );
    expect(await r3.json()).toEqual({ accepted: 2, duplicates: 0 });
  });

  it('replays the first answer for the same key and body (also with keys in another order)', async () => {
    const b = createMemoryRfidBackend({ stations: [STATION, 'stn_0002abcd'] });
    const h = createRfidHandler({ backend: b });
    const events = tagReads(2);
    const first = await h(post('/api/v1/events', { events }, { 'idempotency-key': 'key-r-000001' }));
    const reordered = events.map((e) => Object.fromEntries(Object.entries(e).reverse()));
    const again = await h(
      post('/api/v1/events', { events: reordered }, { 'idempotency-key': 'key-r-000001' }),
    );
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    const other = await h(
      post('/api/v1/events', { events: tagReads(1, 50) }, { 'idempotency-key': 'key-r-000001' }),
    );
    expect(other.status).toBe(422);
    expect((await errorOf(other)).code).toBe('idempotency_key_reused');
  });

  it('answers 409 to a concurrent duplicate, which the client retries into a replay', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => {
      entered = r;
    });
    const inner = createMemoryRfidBackend({ stations: [STATION, 'stn_0002abcd'] });
    const slow: RfidBackend = {
      ...inner,
      ingest: async (events) => {
        entered();
        await gate;
        return inner.ingest(events);
      },
    };
    const served = await serveFetchHandler(createRfidHandler({ backend: slow }), {
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const events = tagReads(3);
      const once = createRfidClient({ baseUrl: served.url, retry: false });
      const first = once.ingestBatch(events);
      await inFlight; // the first request holds the key
      const dup = await once.ingestBatch(events).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(ConflictError);
      expect((dup as ConflictError).code).toBe('idempotency_key_in_use');
      const patient = createRfidClient({ baseUrl: served.url, sleep: async () => {} });
      const retried = patient.ingestBatch(events);
      release();
      expect(await first).toMatchObject({ accepted: 3, duplicates: 0 });
      expect(await retried).toMatchObject({ accepted: 3, duplicates: 0 });
      expect(inner.counts()).toEqual({ stored: 3, duplicates: 0 });
    } finally {
      release();
      await served.close();
    }
  });

  it('requires a valid bearer token when the backend has tokens (claim excepted)', async () => {
    const b = createMemoryRfidBackend({ apiTokens: ['operator-token-1'], claimCodes: ['CODE-0001'] });
    const h = createRfidHandler({ backend: b });
    const res = await h(
      post('/api/v1/events', { events: tagReads(1) }, { 'idempotency-key': 'key-t-000001' }),
    );
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('unauthorized');
    const claim = await h(
      post('/api/v1/stations/claim', { claim_code: 'CODE-0001', mac: '00:11:22:33:44:55' }),
    );
    expect(claim.status).toBe(200);
    const { station_token, station_id } = ClaimResponse.parse(await claim.json());
    const ok = await h(
      new Request(`${BASE}/api/v1/stations/${station_id}/status`, {
        headers: { authorization: `Bearer ${station_token}` },
      }),
    );
    expect(ok.status).toBe(200);
    expect(StationStatus.safeParse(await ok.json()).success).toBe(true);
    expect((await h(new Request(`${BASE}/api/v1/health`))).status).toBe(200);
  });
});
