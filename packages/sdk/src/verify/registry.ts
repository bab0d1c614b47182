import type { automation, registry } from '@fieldops/contracts';
import { ExecutionSpec, RunRecord } from '@fieldops/contracts/automation/v1';
import * as G from '@fieldops/contracts/registry/v1';
import {
  type CheckResult,
  createCheckRunner,
  expectBody,
  expectStatus,
  expectThat,
  send,
  suffix,
  type VerifyOptions,
} from './check.js';

/** Options of {@link verifyRegistry}. */
export interface VerifyRegistryOptions extends VerifyOptions {
  /** A deployment whose execution spec to fetch and validate (skipped without one). */
  deploymentId?: string | undefined;
}

/**
 * Checks a live registry API against the contract: answers valid, ETag / If-Match / If-None-Match
 * (412), expected_version (412), cursor pages, Idempotency-Key replay / 422, and 400 / 401 / 404.
 * It writes: two devices `dev_verify…`, one run `run_verify…` and one ticket.
 */
export async function verifyRegistry(options: VerifyRegistryOptions): Promise<CheckResult[]> {
  const random = options.random ?? Math.random;
  const run = suffix(random);
  const r = createCheckRunner([options.token], options.onCheck);
  const now = new Date().toISOString();
  const dev = (n: number) => `dev_verify${run}${n}`;
  const device = (n: number, extra: Record<string, unknown> = {}) => ({
    device_id: dev(n),
    customer_id: `cus_verify${run}`,
    site_id: `site_verify${run}`,
    product_code: 'VERIFY',
    product_version: '1.0.0',
    role: 'sensor',
    desired_state: { version: 1, updated_at: now, data: {} },
    external_refs: {},
    ...extra,
  });

  await r.check('health', async () => {
    const a = await send(options, 'GET', '/api/v1/health', { auth: false });
    expectStatus(a, 200, 503);
    expectBody(a, G.Health);
  });
  if (options.token) {
    await r.check('auth.missing-token-401', async () => {
      const a = await send(options, 'GET', '/api/v1/devices?limit=1', { auth: false });
      expectStatus(a, 401);
      expectBody(a, G.ErrorBody);
    });
  } else r.skip('auth.missing-token-401', 'no token');

  let etag = '';
  await r.check('device.create', async () => {
    const a = await send(options, 'PUT', `/api/v1/devices/${dev(1)}`, {
      body: device(1),
      headers: { 'If-None-Match': '*' },
    });
    expectStatus(a, 201);
    expectBody(a, G.Device);
    etag = a.headers.get('etag') ?? '';
    expectThat(etag !== '', 'a created device must carry an ETag header');
  });
  await r.check('device.get', async () => {
    const a = await send(options, 'GET', `/api/v1/devices/${dev(1)}`);
    expectStatus(a, 200);
    const d = expectBody<registry.Device>(a, G.Device);
    expectThat(d.device_id === dev(1), 'got another device');
    expectThat(
      a.headers.get('etag') === etag,
      `ETag ${a.headers.get('etag')} differs from the one returned by the write (${etag})`,
    );
  }, ['device.create']);
  await r.check('device.create-only-412', async () => {
    const a = await send(options, 'PUT', `/api/v1/devices/${dev(1)}`, {
      body: device(1),
      headers: { 'If-None-Match': '*' },
    });
    expectStatus(a, 412);
    expectBody(a, G.ErrorBody);
  }, ['device.create']);
  await r.check('device.stale-if-match-412', async () => {
    const a = await send(options, 'PUT', `/api/v1/devices/${dev(1)}`, {
      body: device(1),
      headers: { 'If-Match': '"stale-verify"' },
    });
    expectStatus(a, 412);
    expectBody(a, G.ErrorBody);
  }, ['device.create']);
  await r.check('device.update-if-match', async () => {
    const a = await send(options, 'PUT', `/api/v1/devices/${dev(1)}`, {
      body: device(1, { name: 'verified' }),
      headers: { 'If-Match': etag },
    });
    expectStatus(a, 200);
    const d = expectBody<registry.Device>(a, G.Device);
    expectThat(d.name === 'verified', 'the update was not applied');
    const next = a.headers.get('etag') ?? '';
    expectThat(next !== '' && next !== etag, 'an update must change the ETag');
  }, ['device.create']);
  await r.check('device.invalid-body-400', async () => {
    const a = await send(options, 'PUT', `/api/v1/devices/${dev(3)}`, {
      body: device(3, { product_version: 'one' }),
    });
    expectStatus(a, 400);
    const e = expectBody<registry.ErrorBody>(a, G.ErrorBody);
    expectThat(!!e.error.details?.length, 'a 400 should name the failing fields in error.details');
  });
  await r.check('device.unknown-404', async () => {
    const a = await send(options, 'GET', `/api/v1/devices/dev_unknown${run}`);
    expectStatus(a, 404);
    expectBody(a, G.ErrorBody);
  });
  await r.check('devices.pagination', async () => {
    const b = await send(options, 'PUT', `/api/v1/devices/${dev(2)}`, { body: device(2) });
    expectStatus(b, 200, 201);
    const q = `site_id=site_verify${run}&limit=1`;
    const p1 = await send(options, 'GET', `/api/v1/devices?${q}`);
    expectStatus(p1, 200);
    const page1 = expectBody<registry.DevicePage>(p1, G.DevicePage);
    expectThat(
      page1.items.length === 1 && page1.next_cursor !== null,
      'limit=1 over two devices must give one item and a cursor',
    );
    const p2 = await send(
      options,
      'GET',
      `/api/v1/devices?${q}&cursor=${encodeURIComponent(page1.next_cursor!)}`,
    );
    expectStatus(p2, 200);
    const page2 = expectBody<registry.DevicePage>(p2, G.DevicePage);
    const ids = [...page1.items, ...page2.items].map((d) => d.device_id).sort();
    expectThat(JSON.stringify(ids) === JSON.stringify([dev(1), dev(2)]), `pages held ${ids.join(', ')}`);
  }, ['device.create']);
  await r.check('observed-state.patch', async () => {
    const a = await send(options, 'PATCH', `/api/v1/devices/${dev(1)}/observed-state`, {
      body: { expected_version: 0, data: { online: true }, source: 'manual', observed_at: now },
    });
    expectStatus(a, 200);
    const d = expectBody<registry.Device>(a, G.Device);
    expectThat(
      d.observed_state?.version === 1,
      `observed_state.version should be 1, is ${d.observed_state?.version}`,
    );
  }, ['device.create']);
  await r.check('observed-state.stale-412', async () => {
    const a = await send(options, 'PATCH', `/api/v1/devices/${dev(1)}/observed-state`, {
      body: { expected_version: 0, data: {}, source: 'manual', observed_at: now },
    });
    expectStatus(a, 412);
    expectBody(a, G.ErrorBody);
  }, ['observed-state.patch']);
  if (options.deploymentId) {
    await r.check('deployment.spec-valid', async () => {
      const a = await send(
        options,
        'GET',
        `/api/v1/deployments/${encodeURIComponent(options.deploymentId!)}/spec`,
      );
      expectStatus(a, 200);
      const spec = expectBody<automation.ExecutionSpec>(a, ExecutionSpec);
      expectThat(
        spec.deployment_id === options.deploymentId,
        `asked for ${options.deploymentId}, got ${spec.deployment_id}`,
      );
    });
  } else r.skip('deployment.spec-valid', 'pass --deployment-id to check an execution spec');
  await r.check('deployment.unknown-404', async () => {
    const a = await send(options, 'GET', `/api/v1/deployments/dep_unknown${run}/spec`);
    expectStatus(a, 404);
    expectBody(a, G.ErrorBody);
  });

  const ticket = { title: `verify ${run}`, body: 'conformance run', severity: 'low' };
  const tkey = `verify-ticket-${run}`;
  let firstTicket: unknown;
  await r.check('ticket.create', async () => {
    const a = await send(options, 'POST', '/api/v1/tickets', {
      body: ticket,
      headers: { 'Idempotency-Key': tkey },
    });
    expectStatus(a, 201);
    expectBody(a, G.Ticket);
    firstTicket = a.body;
  });
  await r.check('ticket.replay-same-key', async () => {
    const a = await send(options, 'POST', '/api/v1/tickets', {
      body: ticket,
      headers: { 'Idempotency-Key': tkey },
    });
    expectStatus(a, 201);
    expectThat(
      JSON.stringify(a.body) === JSON.stringify(firstTicket),
      'a replay must answer the first ticket',
    );
  }, ['ticket.create']);
  await r.check('ticket.key-reuse-422', async () => {
    const a = await send(options, 'POST', '/api/v1/tickets', {
      body: { ...ticket, title: 'other' },
      headers: { 'Idempotency-Key': tkey },
    });
    expectStatus(a, 422);
    expectBody(a, G.ErrorBody);
  }, ['ticket.create']);

  const runId = `run_verify${run}`;
  const record = {
    automation_run_id: runId,
    spec_version: 1,
    deployment_id: `dep_verify${run}`,
    project: 'verify',
    status: 'running',
    queued_at: now,
    timeline: [{ at: now, status: 'running' }],
    steps: [],
    links: [],
  };
  await r.check('run.create', async () => {
    const a = await send(options, 'POST', '/api/v1/automation-runs', {
      body: record,
      headers: { 'Idempotency-Key': `verify-run-${run}` },
    });
    expectStatus(a, 201);
    expectBody(a, RunRecord);
  });
  await r.check('run.update', async () => {
    const a = await send(options, 'PATCH', `/api/v1/automation-runs/${runId}`, {
      body: { status: 'succeeded', timeline: [{ at: now, status: 'succeeded' }] },
      headers: { 'Idempotency-Key': `verify-run-upd-${run}` },
    });
    expectStatus(a, 200);
    const rec = expectBody<automation.RunRecord>(a, RunRecord);
    expectThat(
      rec.status === 'succeeded' && rec.timeline.length === 2,
      'the update was not applied to the run record',
    );
  }, ['run.create']);
  await r.check('run.unknown-404', async () => {
    const a = await send(options, 'PATCH', `/api/v1/automation-runs/run_unknown${run}`, {
      body: { status: 'failed' },
    });
    expectStatus(a, 404);
    expectBody(a, G.ErrorBody);
  });
  return r.results;
}
