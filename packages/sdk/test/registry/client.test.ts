import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  createRegistryClient,
  IdempotencyMismatchError,
  NetworkError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  type RegistryClientOptions,
  ServerError,
  ValidationError,
} from '../../src/registry/index.js';
import { Secret } from '../../src/secrets/index.js';
import { createRegistryMswKit } from '../../src/testing/index.js';
import { captureLogger, deviceBody, executionSpec, runRecord, ticketBody } from './fixtures.js';

const BASE = 'http://registry.test';
const CANARY = 'canary-token-7f3a9c1e5b';
const kit = createRegistryMswKit({ baseUrl: BASE, backend: { apiTokens: [CANARY] } });
const server = setupServer(...kit.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => kit.reset());
afterAll(() => server.close());

function client(extra: Partial<RegistryClientOptions> = {}) {
  const sleeps: number[] = [];
  const log = captureLogger();
  const c = createRegistryClient({
    baseUrl: BASE,
    token: CANARY,
    logger: log.logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { c, sleeps, lines: log.lines };
}

describe('RegistryClient', () => {
  it('upserts, reads with ETag, and refuses a stale If-Match with PreconditionFailedError', async () => {
    const { c } = client();
    const created = await c.upsertDevice('dev_0001abcd', deviceBody());
    expect(created.created).toBe(true);
    expect(created.etag).toMatch(/^"r/);
    const got = await c.getDevice('dev_0001abcd');
    expect(got.device.product_code).toBe('RFID-STATION');
    expect(got.etag).toBe(created.etag);
    const replaced = await c.upsertDevice('dev_0001abcd', deviceBody('dev_0001abcd', { name: 'dock 1' }), {
      ifMatch: got.etag!,
    });
    expect(replaced.created).toBe(false);
    expect(replaced.device.name).toBe('dock 1');
    const stale = c.upsertDevice('dev_0001abcd', deviceBody(), { ifMatch: got.etag! });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(stale).rejects.toMatchObject({
      status: 412,
      code: 'precondition_failed',
      operation: 'upsertDevice',
    });
    await expect(c.upsertDevice('dev_0001abcd', deviceBody(), { createOnly: true })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('throws NotFoundError with the request id for a missing device', async () => {
    const { c } = client();
    const err = await c.getDevice('dev_missing1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).requestId).toMatch(/^req_/);
    expect((err as NotFoundError).message).toMatch(
      /^@fieldops\/sdk: registry\.v1 getDevice: HTTP 404 not_found/,
    );
  });

  it('lists every device across cursor pages', async () => {
    const { c } = client();
    for (let i = 0; i < 7; i++) await c.upsertDevice(`dev_list000${i}`, deviceBody(`dev_list000${i}`));
    const page = await c.listDevicePage({ limit: 3 });
    expect(page.items).toHaveLength(3);
    expect(page.next_cursor).not.toBeNull();
    const ids: string[] = [];
    for await (const d of c.listDevices({ limit: 3 })) ids.push(d.device_id);
    expect(ids).toEqual([...Array(7)].map((_, i) => `dev_list000${i}`));
    expect(kit.faults.calls.get('listDevices')).toBe(1 + 3);
  });

  it('patches observed state and maps expected_version conflicts to 412', async () => {
    const { c } = client();
    await c.upsertDevice('dev_0001abcd', deviceBody());
    const patched = await c.patchObservedState('dev_0001abcd', {
      expected_version: 0,
      data: { online: true },
      source: 'rfid',
      observed_at: '2026-11-27T10:05:00Z',
      external_refs: { rfid: { mac: 'AA-BB-CC-DD-EE-FF' } },
    });
    expect(patched.observed_state?.version).toBe(1);
    expect(patched.external_refs.rfid?.mac).toBe('aa:bb:cc:dd:ee:ff');
    await expect(
      c.patchObservedState('dev_0001abcd', {
        expected_version: 0,
        data: {},
        source: 'rfid',
        observed_at: '2026-11-27T10:06:00Z',
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('never retries patchObservedState (not idempotent)', async () => {
    const { c } = client();
    await c.upsertDevice('dev_0001abcd', deviceBody());
    kit.faults.set('patchObservedState', { status: 503 });
    await expect(
      c.patchObservedState('dev_0001abcd', {
        data: {},
        source: 'manual',
        observed_at: '2026-11-27T10:06:00Z',
      }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(kit.faults.calls.get('patchObservedState')).toBe(1);
  });

  it('gets a deployment execution spec', async () => {
    const { c } = client();
    const spec = executionSpec();
    kit.backend.putDeploymentSpec(spec);
    const got = await c.getDeploymentSpec(spec.deployment_id);
    expect(got.deployment_id).toBe(spec.deployment_id);
    await expect(c.getDeploymentSpec('dep_nothere1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates and updates automation runs; a replayed key answers the first result, another body is 422', async () => {
    const { c } = client();
    const run = runRecord();
    const first = await c.createAutomationRun(run, { idempotencyKey: 'key-run-0001' });
    expect(first.status).toBe('running');
    const again = await c.createAutomationRun(run, { idempotencyKey: 'key-run-0001' });
    expect(again).toEqual(first);
    await expect(
      c.createAutomationRun({ ...run, project: 'other' }, { idempotencyKey: 'key-run-0001' }),
    ).rejects.toBeInstanceOf(IdempotencyMismatchError);
    // Without the same key, a second create of the same run is a conflict.
    await expect(c.createAutomationRun(run)).rejects.toBeInstanceOf(ConflictError);
    const updated = await c.updateAutomationRun(run.automation_run_id, {
      status: 'succeeded',
      timeline: [{ at: '2026-11-27T10:10:00Z', status: 'succeeded' }],
    });
    expect(updated.status).toBe('succeeded');
    expect(updated.timeline).toHaveLength(2);
    expect(kit.backend.runs()[0]!.timeline).toHaveLength(2);
  });

  it('retries a 503 with the same Idempotency-Key, so the ticket is opened once', async () => {
    const { c, sleeps } = client();
    const keys: string[] = [];
    server.events.on('request:start', ({ request }) => {
      const k = request.headers.get('idempotency-key');
      if (k) keys.push(k);
    });
    kit.faults.set('createTicket', { status: 503, times: 2 });
    const t = await c.createTicket(ticketBody);
    server.events.removeAllListeners();
    expect(t.status).toBe('open');
    expect(kit.backend.tickets()).toHaveLength(1);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    // exponential backoff with full jitter at random() = 0.5: 100 ms…
    expect(sleeps).toEqual([100, 200]);
  });

  it('honours Retry-After on 429', async () => {
    const { c, sleeps } = client();
    kit.faults.set('getHealth', { status: 429, retryAfterS: 2, times: 1 });
    const h = await c.health();
    expect(h.status).toBe('ok');
    expect(sleeps).toEqual([2000]);
  });

  it('gives up with RateLimitedError when Retry-After is longer than maxRetryAfterMs', async () => {
    const { c, sleeps } = client({ retry: { maxRetryAfterMs: 1000 } });
    kit.faults.set('getHealth', { status: 429, retryAfterS: 30 });
    const err = await c.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(30_000);
    expect(sleeps).toEqual([]);
  });

  it('retries a dropped connection and then reports a NetworkError', async () => {
    const { c, sleeps } = client({ retry: { maxAttempts: 3 } });
    kit.faults.set('getDevice', { drop: true });
    await expect(c.getDevice('dev_0001abcd')).rejects.toBeInstanceOf(NetworkError);
    expect(kit.faults.calls.get('getDevice')).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('reports a 400 with the contract details as ValidationError', async () => {
    const { c } = client();
    const bad = { ...deviceBody(), product_version: 'one' };
    const err = (await c.upsertDevice('dev_0001abcd', bad).catch((e: unknown) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.body).toMatchObject({
      error: {
        code: 'invalid_request',
        contract: 'registry.v1.DeviceUpsert',
        details: [{ path: 'product_version' }],
      },
    });
  });

  it('validates responses: strict throws ContractError, warn logs and returns, off returns', async () => {
    // A registry that answers a health body missing `time`.
    const { http, HttpResponse } = await import('msw');
    server.use(http.get(`${BASE}/api/v1/health`, () => HttpResponse.json({ status: 'ok' })));
    await expect(client().c.health()).rejects.toMatchObject({
      code: 'contract_invalid',
      contract: 'registry.v1.Health',
    });
    const warn = client({ validateResponses: 'warn' });
    expect(await warn.c.health()).toEqual({ status: 'ok' });
    expect(warn.lines.some((l) => l.includes('invalid_response') && l.includes('time'))).toBe(true);
    expect(await client({ validateResponses: 'off' }).c.health()).toEqual({ status: 'ok' });
    server.resetHandlers();
  });

  it('logs one structured line per call and never the token', async () => {
    const { c, lines } = client();
    await c.upsertDevice('dev_0001abcd', deviceBody());
    await c.getDevice('dev_nothere9').catch(() => {});
    const info = lines.map((l) => JSON.parse(l)).filter((l) => l.level !== 'debug');
    expect(info).toHaveLength(2);
    expect(info[0]).toMatchObject({
      contract: 'registry',
      version: 1,
      operation: 'upsertDevice',
      method: 'PUT',
      path: '/api/v1/devices/{device_id}',
      status: 201,
      outcome: 'ok',
      attempt: 1,
      target: 'dev_0001abcd',
    });
    expect(info[0].correlation_id).toMatch(/^[0-9a-f]{32}$/);
    expect(info[1]).toMatchObject({ outcome: 'error', status: 404, error_code: 'not_found' });
  });

  it('keeps a canary token out of logs and error messages, even when a server echoes it', async () => {
    const { http, HttpResponse } = await import('msw');
    server.use(
      http.get(`${BASE}/api/v1/devices/:id`, ({ request }) =>
        HttpResponse.json(
          { error: { code: 'boom', message: `bad header ${request.headers.get('authorization')}` } },
          { status: 500 },
        ),
      ),
    );
    const { c, lines } = client({ token: { reveal: () => CANARY }, retry: { maxAttempts: 2 } });
    const err = (await c.getDevice('dev_0001abcd').catch((e: unknown) => e)) as ServerError;
    server.resetHandlers();
    expect(err).toBeInstanceOf(ServerError);
    const everything = [err.message, JSON.stringify(err.body), String(err.stack), ...lines].join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(CANARY);
  });

  it('takes the token as a Secret from @fieldops/sdk/secrets', async () => {
    const { c, lines } = client({ token: new Secret(CANARY) });
    await c.upsertDevice('dev_0001abcd', deviceBody());
    expect((await c.getDevice('dev_0001abcd')).device.device_id).toBe('dev_0001abcd');
    expect(lines.join('\n')).not.toContain(CANARY);
  });

  it('rejects a wrong token with UnauthorizedError', async () => {
    const { c } = client({ token: 'wrong-token-123' });
    await expect(c.getDevice('dev_0001abcd')).rejects.toMatchObject({
      status: 401,
      name: 'UnauthorizedError',
    });
    // health needs no token
    expect((await c.health()).status).toBe('ok');
  });
});
