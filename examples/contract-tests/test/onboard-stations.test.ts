// Testing integration code against the SDK's MSW kits: the registry and the RFID backend answer with
// the real provider semantics (validation, ETags, idempotency, dedup), in memory, with faults on demand.
import type { registry } from '@fieldops/contracts';
import { createRegistryClient } from '@fieldops/sdk/registry';
import { createRfidClient } from '@fieldops/sdk/rfid';
import { createRegistryMswKit, createRfidMswKit } from '@fieldops/sdk/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { onboardStations } from '../src/onboard-stations.js';

const REGISTRY = 'https://crm.example.test';
const RFID = 'http://10.20.0.5:8080'; // a LAN address: the RFID client refuses public ones
const SITE = 'site_01jd8y3k2m0000000000000001';
const CODES: Record<string, string> = {
  dev_01jd8y3k2m00000000000000r1: 'DOCK1-CLAIM',
  dev_01jd8y3k2m00000000000000r2: 'DOCK2-CLAIM',
};

const registryKit = createRegistryMswKit({ baseUrl: REGISTRY });
const rfidKit = createRfidMswKit({ baseUrl: RFID, backend: { claimCodes: Object.values(CODES) } });
const server = setupServer(...registryKit.handlers, ...rfidKit.handlers);

// Clients are created after server.listen() (openapi-fetch captures fetch when it is created).
let clients: ReturnType<typeof makeClients>;
function makeClients() {
  const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 };
  return {
    registry: createRegistryClient({ baseUrl: REGISTRY, retry: fast }),
    rfid: createRfidClient({ baseUrl: RFID, retry: fast }),
  };
}

const station = (n: 1 | 2, mac: string): registry.DeviceUpsert => ({
  device_id: `dev_01jd8y3k2m00000000000000r${n}` as never,
  customer_id: 'cus_01jd8y3k2m0000000000000001' as never,
  site_id: SITE as never,
  product_code: 'RFID-DOCK',
  product_version: '1.8.2',
  role: 'station',
  desired_state: { version: 1, updated_at: '2026-11-27T00:00:00.000Z', data: { line_id: `dock-${n}` } },
  external_refs: { rfid: { mac } },
});

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  clients = makeClients();
});
afterAll(() => server.close());
beforeEach(async () => {
  registryKit.reset();
  rfidKit.reset();
  await clients.registry.upsertDevice('dev_01jd8y3k2m00000000000000r1', station(1, '00:1b:44:11:3a:b7'));
  await clients.registry.upsertDevice('dev_01jd8y3k2m00000000000000r2', station(2, '00:1b:44:11:3a:b8'));
});

const deps = () => ({
  ...clients,
  claimCode: async (d: registry.Device) => CODES[d.device_id]!,
});

describe('onboardStations (registry + RFID MSW kits)', () => {
  it('claims and maps every station and writes the station ids back', async () => {
    const result = await onboardStations(SITE, deps());
    expect(result.failed).toEqual([]);
    expect(result.onboarded.map((o) => o.line_id)).toEqual(['dock-1', 'dock-2']);
    for (const o of result.onboarded) {
      const status = await clients.rfid.stationStatus(o.station_id);
      expect(status).toMatchObject({ site_id: SITE, line_id: o.line_id });
      const { device } = await clients.registry.getDevice(o.device_id);
      expect(device.external_refs.rfid?.station_id).toBe(o.station_id);
      expect(device.observed_state?.data).toEqual({ onboarding: 'claimed', line_id: o.line_id });
    }
  });

  it('rides through an RFID backend that answers 503 twice (the client retries)', async () => {
    rfidKit.faults.set('claimStation', { status: 503, times: 2 });
    const result = await onboardStations(SITE, deps());
    expect(result.failed).toEqual([]);
    expect(result.onboarded).toHaveLength(2);
    expect(rfidKit.faults.calls.get('claimStation')).toBe(4);
  });

  it('reports a claim code used by another station and goes on with the rest', async () => {
    await clients.rfid.claimStation({ claim_code: 'DOCK1-CLAIM', mac: '02:00:00:00:00:99' });
    const result = await onboardStations(SITE, deps());
    expect(result.onboarded.map((o) => o.device_id)).toEqual(['dev_01jd8y3k2m00000000000000r2']);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.reason).toMatch(/claim code/);
  });

  it('is safe to run twice: same station ids, nothing duplicated', async () => {
    const first = await onboardStations(SITE, deps());
    const second = await onboardStations(SITE, deps());
    expect(second.onboarded.map((o) => o.station_id)).toEqual(first.onboarded.map((o) => o.station_id));
  });
});
