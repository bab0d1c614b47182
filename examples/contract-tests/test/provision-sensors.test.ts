// Testing integration code against the fake ChirpStack: a real grpc-js server on 127.0.0.1 built from
// ChirpStack's own service definitions, in memory, with failures on demand.
import {
  type ChirpStackClient,
  ChirpStackUnauthenticatedError,
  createChirpStackClient,
} from '@fieldops/sdk/chirpstack';
import { type FakeChirpStack, startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionSensors, type Sensor } from '../src/provision-sensors.js';

const KEYS: Record<string, string> = {
  'env:FREEZER_1_APP_KEY': '00112233445566778899aabbccddeeff',
  'env:FREEZER_2_APP_KEY': 'ffeeddccbbaa99887766554433221100',
};
const resolveSecret = async (ref: string) => {
  const v = KEYS[ref];
  if (!v) throw new Error(`no secret ${ref}`);
  return v;
};
const SENSORS: Sensor[] = [
  { dev_eui: 'a84041000181c001', name: 'freezer-1', app_key_ref: 'env:FREEZER_1_APP_KEY' },
  { dev_eui: 'a84041000181c002', name: 'freezer-2', app_key_ref: 'env:FREEZER_2_APP_KEY' },
];

let fake: FakeChirpStack;
let client: ChirpStackClient;
beforeEach(async () => {
  fake = await startFakeChirpStack();
  client = createChirpStackClient({
    target: fake.target,
    apiToken: fake.apiToken,
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
  });
});
afterEach(async () => {
  client.close();
  await fake.stop();
});

describe('provisionSensors (fake ChirpStack over gRPC)', () => {
  it('creates tenant, application, profile, devices and keys; a second run changes nothing', async () => {
    const first = await provisionSensors(client, 'site-bkk-01', SENSORS, resolveSecret);
    expect(first.errors).toEqual([]);
    expect(first.applied).toBeGreaterThanOrEqual(5);
    const [tenant] = [...fake.state.tenants.values()];
    expect(tenant?.name).toBe('site-bkk-01');
    expect([...fake.state.devices.keys()].sort()).toEqual(['a84041000181c001', 'a84041000181c002']);
    // LoRaWAN 1.0.x: the AppKey is written as nwk_key.
    expect(fake.state.devices.get('a84041000181c001')?.keys?.nwk_key).toBe(
      '00112233445566778899aabbccddeeff',
    );

    fake.resetCounters();
    const second = await provisionSensors(client, 'site-bkk-01', SENSORS, resolveSecret);
    expect(second).toEqual({ planned_changes: 0, applied: 0, errors: [] });
    expect(Object.keys(fake.rpcCounts()).every((rpc) => /\/(List|Get)/.test(rpc))).toBe(true);
  });

  it('retries UNAVAILABLE', async () => {
    fake.failNext(2);
    const result = await provisionSensors(client, 'site-bkk-01', SENSORS, resolveSecret);
    expect(result.errors).toEqual([]);
    expect(fake.state.devices.size).toBe(2);
  });

  it('fails with a typed error on a wrong API token', async () => {
    const wrong = createChirpStackClient({
      target: fake.target,
      apiToken: 'not-the-token',
      retry: { attempts: 1 },
    });
    await expect(provisionSensors(wrong, 'site-bkk-01', SENSORS, resolveSecret)).rejects.toBeInstanceOf(
      ChirpStackUnauthenticatedError,
    );
    wrong.close();
  });
});
