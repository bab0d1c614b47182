import { rfid } from '@fieldops/contracts';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  batchIdempotencyKey,
  ConflictError,
  createEventBatcher,
  createRfidClient,
  IdempotencyMismatchError,
  LanGuardError,
  NotFoundError,
  type RfidClientOptions,
  splitIntoBatches,
} from '../../src/rfid/index.js';
import { createRfidMswKit } from '../../src/testing/index.js';
import { captureLogger } from '../registry/fixtures.js';
import { STATION, tagReads } from './fixtures.js';

const BASE = 'http://127.0.0.1:18080';
const TOKEN = 'canary-station-token-42f1d0';
const kit = createRfidMswKit({
  baseUrl: BASE,
  backend: { claimCodes: ['CLAIM-0001'], apiTokens: [TOKEN], stations: [STATION] },
});
const lan = createRfidMswKit({ baseUrl: 'http://rfid.site.lan' });
const pub = createRfidMswKit({ baseUrl: 'http://8.8.8.8' });
const server = setupServer(...kit.handlers, ...lan.handlers, ...pub.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  kit.reset();
  kit.backend.addClaimCode('CLAIM-0001');
});
afterAll(() => server.close());

function client(extra: Partial<RfidClientOptions> = {}) {
  const sleeps: number[] = [];
  const log = captureLogger();
  const c = createRfidClient({
    baseUrl: BASE,
    token: TOKEN,
    logger: log.logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps, lines: log.lines };
}

describe('RfidClient', () => {
  it('claims a station, maps it and reads its status', async () => {
    const { c } = client();
    const claim = await c.claimStation({ claim_code: 'CLAIM-0001', mac: 'AA:BB:CC:DD:EE:01' });
    expect(claim.station_id).toMatch(/^stn_/);
    expect(claim.station_token.length).toBeGreaterThanOrEqual(16);
    // A claim code is one use (issue 11 item 12): the same MAC, visible on the LAN, gets no new token.
    await expect(
      c.claimStation({ claim_code: 'CLAIM-0001', mac: 'aa:bb:cc:dd:ee:01' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      c.claimStation({ claim_code: 'CLAIM-0001', mac: 'aa:bb:cc:dd:ee:02' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      c.claimStation({ claim_code: 'NOPE-0001', mac: 'aa:bb:cc:dd:ee:02' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const mapped = await c.mapStation(claim.station_id, {
      site_id: 'site_bkk00001' as never,
      line_id: 'dock-1',
    });
    expect(mapped.line_id).toBe('dock-1');
    // the station's own token works too
    const own = createRfidClient({ baseUrl: BASE, token: claim.station_token });
    const status = await own.stationStatus(claim.station_id);
    expect(status).toMatchObject({
      station_id: claim.station_id,
      site_id: 'site_bkk00001',
      line_id: 'dock-1',
    });
    await expect(c.stationStatus('stn_unknown1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await c.health()).status).toBe('ok');
  });

  it('splits ingest into batches by count and derives each key from the event ids', async () => {
    const cl = createRfidClient({ baseUrl: BASE, token: TOKEN, batch: { maxEvents: 3 } });
    const events = tagReads(7);
    const r = await cl.ingestEvents(events);
    expect(r).toMatchObject({ accepted: 7, duplicates: 0 });
    expect(r.idempotencyKeys).toEqual(
      splitIntoBatches(events, cl.batchLimits).map((b) => batchIdempotencyKey(b)),
    );
    expect(r.idempotencyKeys).toHaveLength(3);
    for (const k of r.idempotencyKeys) expect(rfid.IdempotencyKey.safeParse(k).success).toBe(true);
    // the same events again: same keys, the first answers replayed
    const again = await cl.ingestEvents(events);
    expect(again).toMatchObject({ accepted: 7, duplicates: 0 });
    expect(kit.backend.counts()).toEqual({ stored: 7, duplicates: 0 });
    // in other batches: deduplicated by event id
    const regrouped = await client({ batch: { maxEvents: 5 } }).c.ingestEvents(events);
    expect(regrouped).toMatchObject({ accepted: 0, duplicates: 7 });
    expect(kit.backend.events().map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('splits by bytes', () => {
    const events = tagReads(10);
    const one = JSON.stringify(events[0]).length + 1;
    const batches = splitIntoBatches(events, { maxEvents: 1000, maxBytes: 13 + one * 4 });
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it('retries a 503 and a dropped connection with the same derived key; nothing is stored twice', async () => {
    const { c, sleeps } = client();
    kit.faults.set('ingestEvents', { status: 503, retryAfterS: 1, times: 1 });
    const events = tagReads(5);
    const first = await c.ingestBatch(events);
    expect(first).toMatchObject({ accepted: 5, duplicates: 0 });
    expect(sleeps).toEqual([1000]);
    kit.faults.set('ingestEvents', { drop: true, times: 1 });
    const second = await c.ingestBatch(events);
    expect(second.idempotencyKeys).toEqual(first.idempotencyKeys);
    expect(second).toMatchObject({ accepted: 5, duplicates: 0 }); // replayed answer
    expect(kit.backend.counts().stored).toBe(5);
  });

  it('refuses an empty or oversized batch before sending', async () => {
    const { c } = client({ batch: { maxEvents: 2 } });
    await expect(c.ingestBatch([])).rejects.toMatchObject({ code: 'invalid_batch' });
    await expect(c.ingestBatch(tagReads(3))).rejects.toThrow(/1 to 2 events, not 3/);
    expect(kit.faults.calls.get('ingestEvents')).toBeUndefined();
  });

  it('recovers from a lost answer: the retry gets the first answer replayed', async () => {
    const { c } = client();
    kit.faults.set('ingestEvents', { dropResponse: true, times: 1 });
    const r = await c.ingestBatch(tagReads(4));
    expect(r).toMatchObject({ accepted: 4, duplicates: 0 });
    expect(kit.faults.calls.get('ingestEvents')).toBe(2);
    expect(kit.backend.counts()).toEqual({ stored: 4, duplicates: 0 });
  });

  it('answers 422 when a key is reused with another body', async () => {
    const { c } = client();
    await c.ingestBatch(tagReads(2), { idempotencyKey: 'fixed-key-0001' });
    await expect(c.ingestBatch(tagReads(2, 10), { idempotencyKey: 'fixed-key-0001' })).rejects.toBeInstanceOf(
      IdempotencyMismatchError,
    );
  });

  it('refuses a public base URL, and host names resolving outside the LAN, unless allowed', async () => {
    await expect(client({ baseUrl: 'http://8.8.8.8' }).c.health()).rejects.toBeInstanceOf(LanGuardError);
    await expect(client({ baseUrl: 'http://8.8.8.8' }).c.health()).rejects.toThrow(/LAN-only/);
    const publicDns = client({
      baseUrl: 'http://rfid.site.lan',
      lookup: async () => [{ address: '10.0.0.5' }, { address: '93.184.216.34' }],
    });
    await expect(publicDns.c.health()).rejects.toThrow(/rfid\.site\.lan resolves to 93\.184\.216\.34/);
    expect(lan.faults.calls.size).toBe(0);
    const privateDns = client({
      baseUrl: 'http://rfid.site.lan',
      lookup: async () => [{ address: '192.168.10.5' }],
    });
    expect((await privateDns.c.health()).status).toBe('ok');
    const allowed = client({ baseUrl: 'http://8.8.8.8', allowPublicNetwork: true });
    expect((await allowed.c.health()).status).toBe('ok');
    for (const ok of ['http://[::1]:8080', 'http://169.254.1.1', 'http://[fd00::5]', 'http://localhost:1']) {
      const r = await import('../../src/rfid/index.js').then((m) => m.assertLanUrl(ok));
      expect(r).toBeUndefined();
    }
  });

  it('batches automatically by count and by time', async () => {
    const { c } = client();
    const timers: (() => void)[] = [];
    const b = createEventBatcher(c, {
      maxEvents: 4,
      maxWaitMs: 1000,
      setTimeout: (fn) => timers.push(fn),
      clearTimeout: () => {},
    });
    const events = tagReads(6);
    const done = events.slice(0, 4).map((e) => b.add(e));
    await Promise.all(done); // 4 = maxEvents: sent without waiting for the timer
    expect(b.sent.batches).toBe(1);
    const rest = events.slice(4).map((e) => b.add(e));
    expect(timers).toHaveLength(2);
    timers[1]!(); // the wait elapsed
    await Promise.all(rest);
    expect(b.sent).toEqual({ batches: 2, accepted: 6, duplicates: 0 });
    await b.close();
    await expect(b.add(events[0]!)).rejects.toThrow(/closed/);
    expect(kit.backend.events().map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('batches automatically by bytes', async () => {
    const { c } = client();
    const one = JSON.stringify(tagReads(1)[0]).length + 1;
    const b = createEventBatcher(c, { maxBytes: 13 + one * 3, maxWaitMs: 60_000 });
    const events = tagReads(7);
    const added = events.map((e) => b.add(e));
    await b.close();
    await Promise.all(added);
    expect(b.sent.batches).toBe(3); // 3 + 3 + 1
    expect(kit.backend.events().map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('logs one line per call without the token', async () => {
    const { c, lines } = client();
    await c.ingestEvents(tagReads(3));
    await c.stationStatus(STATION);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((l) => l.operation)).toEqual(['ingestEvents', 'getStationStatus']);
    expect(parsed[0]).toMatchObject({
      contract: 'rfid',
      version: 1,
      path: '/api/v1/events',
      status: 200,
      target: STATION,
    });
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
