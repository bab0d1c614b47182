import type { registry } from '@fieldops/contracts';
import { createRegistryClient, type RegistryClient } from '@fieldops/sdk/registry';
import { createRegistryMswKit } from '@fieldops/sdk/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createObservedStateBatcher } from '../src/observed/batcher.js';

const BASE = 'http://registry.test';
const TOKEN = 'registry-token-for-tests';
const kit = createRegistryMswKit({ baseUrl: BASE, backend: { apiTokens: [TOKEN] } });
const server = setupServer(...kit.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => kit.reset());
afterAll(() => server.close());

const DEVICE = 'dev_01jd8y3k2m00000000000000d1';
const body = (id: string): registry.DeviceUpsert =>
  ({
    device_id: id,
    customer_id: 'cus_acme0001',
    site_id: 'site_bkk00001',
    deployment_id: 'dep_bkk00001',
    product_code: 'FREEZER-SENSOR',
    product_version: '1.0.0',
    role: 'sensor',
    desired_state: { version: 1, updated_at: '2026-11-27T10:00:00Z', data: {} },
    external_refs: { chirpstack: { dev_eui: '70b3d57ed0000001' } },
  }) as registry.DeviceUpsert;

/** The registry client, counting the requests that reach the registry. */
function countingClient(): { client: RegistryClient; calls: string[] } {
  const calls: string[] = [];
  const client = createRegistryClient({
    baseUrl: BASE,
    token: TOKEN,
    fetch: (request) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
      return globalThis.fetch(request);
    },
  });
  return { client, calls };
}

describe('observed-state batcher (registry through the SDK client, stateful MSW registry)', () => {
  it('turns many events of one device into one conditional PATCH per flush, keeping other writers’ keys', async () => {
    const { client, calls } = countingClient();
    await client.upsertDevice(DEVICE, body(DEVICE));
    await client.patchObservedState(DEVICE, {
      data: { rfid: { reads: 3 } },
      source: 'rfid',
      observed_at: '2026-11-30T09:00:00.000Z',
    });
    calls.length = 0;
    const batcher = createObservedStateBatcher({
      registry: client,
      clock: { now: () => Date.parse('2026-11-30T10:00:00Z') }, // core's Clock (issue 12)
      now: () => new Date(0), // deprecated: ignored beside `clock`
    });
    for (let i = 0; i < 50; i++)
      batcher.record(DEVICE, {
        f_cnt: i,
        last_seen_at: `2026-11-30T10:00:${String(i).padStart(2, '0')}.000Z`,
      });
    batcher.record(DEVICE, { battery_level: 71 });
    expect(await batcher.flush()).toEqual({ written: 1, unchanged: 0, failed: [] });
    expect(calls).toEqual([
      `GET /api/v1/devices/${DEVICE}`,
      `PATCH /api/v1/devices/${DEVICE}/observed-state`,
    ]);
    const { device } = await client.getDevice(DEVICE);
    expect(device.observed_state?.data).toEqual({
      rfid: { reads: 3 },
      chirpstack: { f_cnt: 49, last_seen_at: '2026-11-30T10:00:49.000Z', battery_level: 71 },
    });
    expect(device.observed_state?.version).toBe(2);
    expect(device.observed_state?.updated_at).toBe('2026-11-30T10:00:00.000Z'); // the batcher's Clock
    // Nothing new: no write.
    batcher.record(DEVICE, { battery_level: 71 });
    expect(await batcher.flush()).toEqual({ written: 0, unchanged: 1, failed: [] });
  });

  it('re-reads and merges when another writer changed the record in between (412), losing neither write', async () => {
    const { client } = countingClient();
    await client.upsertDevice(DEVICE, body(DEVICE));
    let raced = false;
    const racing = {
      getDevice: async (id: string) => {
        const got = await client.getDevice(id);
        if (!raced) {
          raced = true; // someone else writes right after our read
          await client.patchObservedState(id, {
            data: { rfid: { reads: 9 } },
            source: 'rfid',
            observed_at: '2026-11-30T10:00:00.000Z',
          });
        }
        return got;
      },
      patchObservedState: client.patchObservedState.bind(client),
    };
    const batcher = createObservedStateBatcher({ registry: racing });
    batcher.record(DEVICE, { battery_level: 40 });
    expect(await batcher.flush()).toEqual({ written: 1, unchanged: 0, failed: [] });
    const { device } = await client.getDevice(DEVICE);
    expect(device.observed_state?.data).toEqual({ rfid: { reads: 9 }, chirpstack: { battery_level: 40 } });
  });

  it('keeps a device pending when the registry fails, and writes it on the next flush', async () => {
    const { client } = countingClient();
    await client.upsertDevice(DEVICE, body(DEVICE));
    let down = true;
    const flaky = {
      getDevice: (id: string) => (down ? Promise.reject(new Error('registry down')) : client.getDevice(id)),
      patchObservedState: client.patchObservedState.bind(client),
    };
    const batcher = createObservedStateBatcher({ registry: flaky });
    batcher.record(DEVICE, { battery_level: 40 });
    const first = await batcher.flush();
    expect(first.failed).toEqual([{ device_id: DEVICE, error: 'registry down' }]);
    expect(batcher.pending()).toBe(1);
    batcher.record(DEVICE, { margin: 5 });
    down = false;
    expect(await batcher.flush()).toEqual({ written: 1, unchanged: 0, failed: [] });
    expect((await client.getDevice(DEVICE)).device.observed_state?.data).toEqual({
      chirpstack: { battery_level: 40, margin: 5 },
    });
  });
});
