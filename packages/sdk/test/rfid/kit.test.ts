import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { rfid } from '@fieldops/contracts';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRfidClient,
  createSpoolForwarder,
  FieldopsHttpError,
  LanGuardError,
  openSpool,
  TimeoutError,
} from '../../src/rfid/index.js';
import { createRfidMswKit } from '../../src/testing/index.js';
import { STATION, tagReads } from './fixtures.js';

const BASE = 'http://10.1.2.3';
const kit = createRfidMswKit({ baseUrl: BASE, backend: { stations: [STATION] } });
const prefixed = createRfidMswKit({
  baseUrl: 'http://10.1.2.4',
  basePath: '/rfid',
  backend: { stations: [STATION] },
});
const server = setupServer(...kit.handlers, ...prefixed.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('testing kit', () => {
  it('injects latency per route (a short client timeout turns it into TimeoutError)', async () => {
    kit.reset();
    kit.faults.set('getStationStatus', { latencyMs: 200 });
    const c = createRfidClient({ baseUrl: BASE, timeoutMs: 30, retry: false });
    await expect(c.stationStatus('stn_0001abcd')).rejects.toBeInstanceOf(TimeoutError);
    // other routes are not affected
    expect((await c.health()).status).toBe('ok');
    kit.faults.clear('getStationStatus');
  });

  it('is stateful and resettable', async () => {
    kit.reset();
    const c = createRfidClient({ baseUrl: BASE });
    await c.ingestEvents(tagReads(4));
    expect(kit.backend.counts().stored).toBe(4);
    expect(kit.idempotency.size()).toBe(1);
    expect(kit.faults.calls.get('ingestEvents')).toBe(1);
    kit.reset();
    expect(kit.backend.counts().stored).toBe(0);
    expect(kit.idempotency.size()).toBe(0);
    expect(kit.faults.calls.size).toBe(0);
    // after a reset the same batch is new again
    expect(await c.ingestEvents(tagReads(4))).toMatchObject({ accepted: 4, duplicates: 0 });
  });

  it('serves an API under a base path, with faults matched there too', async () => {
    prefixed.faults.set('getHealth', { status: 503, times: 1 });
    const c = createRfidClient({ baseUrl: 'http://10.1.2.4/rfid', sleep: async () => {} });
    expect((await c.health()).status).toBe('ok');
    expect(prefixed.faults.calls.get('getHealth')).toBe(2);
  });

  it('serves the same semantics without MSW through kit.handler', async () => {
    kit.reset();
    const res = await kit.handler(new Request(`${BASE}/api/v1/stations/stn_nothere1/status`));
    expect(res.status).toBe(404);
  });
});

describe('spool forwarder', { timeout: 30_000 }, () => {
  it('halves the batch when the receiver answers 413, and reports batches it rejects for good', async () => {
    kit.reset();
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-fwd-'));
    const spool = await openSpool<rfid.RfidEvent>({ dir });
    const client = createRfidClient({ baseUrl: BASE, retry: false });
    const sizes: number[] = [];
    const rejected: number[] = [];
    const forwarder = createSpoolForwarder({
      spool,
      maxBatch: 100,
      idleMs: 1,
      send: async (events) => {
        sizes.push(events.length);
        if (events.length > 25) {
          throw new FieldopsHttpError({
            status: 413,
            code: 'payload_too_large',
            message: 'too large',
            operation: 'ingestEvents',
          });
        }
        if (events.some((e) => e.event_id === 'evt-00000077')) {
          throw new FieldopsHttpError({
            status: 400,
            code: 'invalid_request',
            message: 'bad',
            operation: 'ingestEvents',
          });
        }
        return client.ingestBatch(events);
      },
      onRejected: (events) => {
        rejected.push(...events.map((e) => e.seq ?? -1));
      },
    });
    try {
      await spool.appendMany(tagReads(100));
      forwarder.start();
      while (spool.stats().pendingBytes > 0) await forwarder.drained();
      expect(sizes.slice(0, 3)).toEqual([100, 50, 25]);
      // the batch holding the bad event (75..99 after the halvings) is skipped, nothing else
      expect(rejected).toEqual([...Array(25).keys()].map((i) => 75 + i));
      expect(kit.backend.events().map((e) => e.seq)).toEqual([...Array(75).keys()]);
    } finally {
      await forwarder.stop();
      await spool.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LAN guard', () => {
  it('retries a failed DNS lookup on the next call but keeps a refusal', async () => {
    let lookups = 0;
    const c = createRfidClient({
      baseUrl: 'http://rfid.site.lan',
      lookup: async () => {
        lookups += 1;
        if (lookups === 1) throw new Error('EAI_AGAIN');
        return [{ address: '203.0.113.9' }];
      },
    });
    await expect(c.health()).rejects.toMatchObject({ code: 'lan_guard_unresolved' });
    await expect(c.health()).rejects.toBeInstanceOf(LanGuardError);
    await expect(c.health()).rejects.toMatchObject({ code: 'lan_guard' });
    expect(lookups).toBe(2);
  });
});
