import { AS923_PLANS } from '@fieldops/contracts/regions/v1';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  buildRadioLayout,
  ChirpStackAlreadyExistsError,
  ChirpStackDeadlineExceededError,
  ChirpStackError,
  ChirpStackInvalidArgumentError,
  ChirpStackNotFoundError,
  ChirpStackPermissionDeniedError,
  ChirpStackUnauthenticatedError,
  ChirpStackUnavailableError,
  collectDevices,
  DEFAULT_RETRY,
  decodeSyncTag,
  encodeSyncTag,
  errorFromGrpc,
  formatPlanTable,
  keysFingerprint,
  shouldRetry,
} from '../../src/chirpstack/index.js';
import { CANARY_KEY, desiredState, eui } from './helpers.js';

describe('errors', () => {
  it('maps each gRPC status to its class, one base class for all', () => {
    const cases = [
      [status.NOT_FOUND, ChirpStackNotFoundError, 'not_found'],
      [status.ALREADY_EXISTS, ChirpStackAlreadyExistsError, 'already_exists'],
      [status.UNAUTHENTICATED, ChirpStackUnauthenticatedError, 'unauthenticated'],
      [status.PERMISSION_DENIED, ChirpStackPermissionDeniedError, 'permission_denied'],
      [status.INVALID_ARGUMENT, ChirpStackInvalidArgumentError, 'invalid_argument'],
      [status.UNAVAILABLE, ChirpStackUnavailableError, 'unavailable'],
      [status.DEADLINE_EXCEEDED, ChirpStackDeadlineExceededError, 'deadline_exceeded'],
    ] as const;
    for (const [code, Class, name] of cases) {
      const e = errorFromGrpc({ code, details: 'x' }, 'DeviceService/Get');
      expect(e).toBeInstanceOf(Class);
      expect(e).toBeInstanceOf(ChirpStackError);
      expect(e.code).toBe(name);
      expect(e.message).toBe('@fieldops/sdk/chirpstack: DeviceService/Get failed: x');
    }
    expect(errorFromGrpc(new Error('boom'), 'X/Y').code).toBe('unknown');
  });
});

describe('retry', () => {
  it('retries only UNAVAILABLE, within the attempts', () => {
    expect(shouldRetry(status.UNAVAILABLE, 1, 4)).toBe(true);
    expect(shouldRetry(status.UNAVAILABLE, 4, 4)).toBe(false);
    expect(shouldRetry(status.DEADLINE_EXCEEDED, 1, 4)).toBe(false);
    expect(shouldRetry(status.NOT_FOUND, 1, 4)).toBe(false);
  });
  it('backs off exponentially with full jitter (as documented), capped', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(2, DEFAULT_RETRY, () => 0.5)).toBe(100);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(100);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(400);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });
});

describe('sync tag', () => {
  it('round-trips and ignores tags it did not write', () => {
    const s = {
      join_eui: '70b3d57ed0000001',
      is_disabled: true,
      skip_fcnt_check: false,
      variables: 'abcd0123',
      keys: '',
    };
    expect(decodeSyncTag(encodeSyncTag(s))).toEqual(s);
    expect(decodeSyncTag('hand written')).toBeUndefined();
    expect(decodeSyncTag(undefined)).toBeUndefined();
  });
  it('fingerprints key values per device without containing them', () => {
    const a = keysFingerprint(eui(1), { nwk_key: CANARY_KEY });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(keysFingerprint(eui(1), { nwk_key: CANARY_KEY })).toBe(a);
    expect(keysFingerprint(eui(2), { nwk_key: CANARY_KEY })).not.toBe(a);
    expect(keysFingerprint(eui(1), { nwk_key: CANARY_KEY.replace('c0', 'c1') })).not.toBe(a);
    expect(CANARY_KEY).not.toContain(a);
  });
});

describe('desired state', () => {
  it('reports duplicate DevEUIs and bad registry records as problems', () => {
    const desired = desiredState(2);
    desired.devices!.push({ ...desired.devices![0]!, name: 'again' });
    desired.registry_devices = [
      {
        device_id: 'dev_bad00001',
        desired_state: {
          version: 1,
          updated_at: '2026-11-27T10:00:00Z',
          data: { chirpstack: { application: 'a' } },
        },
        external_refs: {},
      } as never,
      {
        device_id: 'dev_rfid0001',
        desired_state: { version: 1, updated_at: '2026-11-27T10:00:00Z', data: {} },
        external_refs: {},
      } as never,
    ];
    const { devices, problems } = collectDevices(desired);
    expect(devices).toHaveLength(2);
    expect(problems.map((p) => p.key)).toEqual([eui(0), 'dev_bad00001']);
    expect(problems[1]!.message).toMatch(/chirpstack\.v1\.DeviceSpec: .*dev_eui/);
  });
});

describe('plan table', () => {
  it('prints changes, secrets only as changed, and a summary', () => {
    const text = formatPlanTable({
      plan_version: 1,
      created_at: '2026-11-27T10:00:00Z',
      target: '127.0.0.1:8080',
      tenant: 'site',
      prune: true,
      changes: [
        {
          entity: 'device',
          key: eui(1),
          action: 'update',
          id: eui(1),
          diff: [{ field: 'name', from: 'a', to: 'b' }],
        },
        { entity: 'device_keys', key: eui(1), action: 'update', diff: [{ field: 'nwk_key', secret: true }] },
        { entity: 'device', key: eui(2), action: 'unchanged', diff: [] },
        { entity: 'gateway', key: 'aa555a0000000001', action: 'delete', diff: [] },
      ],
      summary: { create: 0, update: 2, delete: 1, unchanged: 1 },
    });
    expect(text).toContain('~ update  device       70b3d50000000001  name: "a" -> "b"');
    expect(text).toContain('nwk_key: changed');
    expect(text).toContain('- delete  gateway');
    expect(text).not.toContain(eui(2));
    expect(text).toContain('0 to create, 2 to update, 1 to delete, 1 unchanged.');
    expect(text).toContain('(prune)');
  });
});

describe('radio layout', () => {
  it('centres each radio on four channels, IFs within ±300 kHz', () => {
    const layout = buildRadioLayout(AS923_PLANS.as923_3);
    expect(layout.radio0).toBe(916_900_000);
    expect(layout.radio1).toBe(917_700_000);
    expect(layout.channels.map((c) => c.if)).toEqual([
      -300e3, -100e3, 100e3, 300e3, -300e3, -100e3, 100e3, 300e3,
    ]);
  });
});

describe('planReconcile without a resolver', () => {
  it('refuses devices with keys before any RPC', async () => {
    const { planReconcile } = await import('../../src/chirpstack/index.js');
    let calls = 0;
    const client = new Proxy({} as never, {
      get: (_t, p) => (p === 'target' ? 'x' : () => calls++),
    });
    await expect(planReconcile(desiredState(1), client)).rejects.toThrow(/pass resolveSecret/);
    expect(calls).toBe(0);
  });
});
