import type { rfid } from '@fieldops/contracts';
import * as R from '@fieldops/contracts/rfid/v1';
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

/** Options of {@link verifyRfid}. */
export interface VerifyRfidOptions extends VerifyOptions {
  /** A claim code to exercise claim, map and status (claim checks are skipped without one). */
  claimCode?: string | undefined;
  /** Station id for ingest when no claim code is given; default a fresh `stn_verify…` id. */
  stationId?: string | undefined;
}

/**
 * Checks a live RFID backend against the contract: every answer valid, Idempotency-Key replay /
 * 422, dedup by event id across batches, and the error statuses (400, 401, 404).
 */
export async function verifyRfid(options: VerifyRfidOptions): Promise<CheckResult[]> {
  const random = options.random ?? Math.random;
  const run = suffix(random);
  const opts: VerifyRfidOptions = { ...options };
  const r = createCheckRunner([options.token]);
  let station = options.stationId ?? `stn_verify${run}`;

  await r.check('health', async () => {
    const a = await send(opts, 'GET', '/api/v1/health', { auth: false });
    expectStatus(a, 200, 503);
    expectBody(a, R.Health);
  });

  if (options.claimCode) {
    const mac = `02:00:${run
      .slice(0, 8)
      .replace(/[^0-9a-f]/g, '0')
      .match(/../g)!
      .join(':')}`;
    await r.check('claim.valid', async () => {
      const a = await send(opts, 'POST', '/api/v1/stations/claim', {
        body: { claim_code: options.claimCode, mac },
      });
      expectStatus(a, 200);
      const claim = expectBody<rfid.ClaimResponse>(a, R.ClaimResponse);
      station = claim.station_id;
      opts.token ??= claim.station_token;
    });
    await r.check('claim.repeat-same-station', async () => {
      const a = await send(opts, 'POST', '/api/v1/stations/claim', {
        body: { claim_code: options.claimCode, mac },
      });
      expectStatus(a, 200);
      const claim = expectBody<rfid.ClaimResponse>(a, R.ClaimResponse);
      expectThat(
        claim.station_id === station,
        `a repeated claim answered ${claim.station_id}, not ${station}`,
      );
      if (!options.token) opts.token = claim.station_token;
    }, ['claim.valid']);
    await r.check('claim.unknown-code-404', async () => {
      const a = await send(opts, 'POST', '/api/v1/stations/claim', {
        body: { claim_code: `nope-${run}`, mac: '02:00:00:00:00:01' },
      });
      expectStatus(a, 404);
      expectBody(a, R.ErrorBody);
    });
  } else {
    r.skip('claim', 'pass --claim-code to check claims');
  }

  if (opts.token) {
    await r.check('auth.missing-token-401', async () => {
      const a = await send(opts, 'GET', `/api/v1/stations/${station}/status`, { auth: false });
      expectStatus(a, 401);
      expectBody(a, R.ErrorBody);
    });
  } else {
    r.skip('auth.missing-token-401', 'no token');
  }

  const event = (n: number) => ({
    type: 'tag_read',
    event_id: `verify-${run}-${n}`,
    station_id: station,
    occurred_at: new Date().toISOString(),
    epc: 'e28011700000020a1b2c3d4e',
    antenna: 1,
    rssi_dbm: -50,
  });
  const batch = { events: [event(1), event(2), event(3)] };
  const key = `verify:${run}:1`;
  let first: unknown;
  await r.check('ingest.valid-batch', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: batch,
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(a, 200);
    const res = expectBody<rfid.IngestResult>(a, R.IngestResult);
    expectThat(
      res.accepted === 3 && res.duplicates === 0,
      `expected 3 accepted, 0 duplicates; got ${JSON.stringify(res)}`,
    );
    first = a.body;
  });
  await r.check('ingest.replay-same-key', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: batch,
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(a, 200);
    expectBody(a, R.IngestResult);
    expectThat(
      JSON.stringify(a.body) === JSON.stringify(first),
      `the replay answered ${JSON.stringify(a.body)}, not the first answer ${JSON.stringify(first)}`,
    );
  }, ['ingest.valid-batch']);
  await r.check('ingest.key-reuse-422', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [event(9)] },
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(a, 422);
    expectBody(a, R.ErrorBody);
  }, ['ingest.valid-batch']);
  await r.check('ingest.dedup-by-event-id', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [...batch.events, event(4)] },
      headers: { 'Idempotency-Key': `verify:${run}:2` },
    });
    expectStatus(a, 200);
    const res = expectBody<rfid.IngestResult>(a, R.IngestResult);
    expectThat(
      res.accepted === 1 && res.duplicates === 3,
      `expected 1 accepted, 3 duplicates; got ${JSON.stringify(res)}`,
    );
  }, ['ingest.valid-batch']);
  await r.check('ingest.missing-key-400', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', { body: { events: [event(5)] } });
    expectStatus(a, 400);
    expectBody(a, R.ErrorBody);
  });
  await r.check('ingest.invalid-body-400', async () => {
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [{ ...event(6), rssi_dbm: 20 }] },
      headers: { 'Idempotency-Key': `verify:${run}:3` },
    });
    expectStatus(a, 400);
    const e = expectBody<rfid.ErrorBody>(a, R.ErrorBody);
    expectThat(!!e.error.details?.length, 'a 400 should name the failing fields in error.details');
  });
  await r.check('ingest.over-limit-rejected', async () => {
    const events = Array.from({ length: R.MAX_EVENTS_PER_BATCH + 1 }, (_, i) => event(100 + i));
    const a = await send(opts, 'POST', '/api/v1/events', {
      body: { events },
      headers: { 'Idempotency-Key': `verify:${run}:4` },
    });
    expectStatus(a, 400, 413);
    expectBody(a, R.ErrorBody);
  });
  await r.check('status.valid', async () => {
    const a = await send(opts, 'GET', `/api/v1/stations/${station}/status`);
    expectStatus(a, 200);
    const s = expectBody<rfid.StationStatus>(a, R.StationStatus);
    expectThat(s.station_id === station, `status of ${station} answered station ${s.station_id}`);
  });
  await r.check('status.unknown-404', async () => {
    const a = await send(opts, 'GET', `/api/v1/stations/stn_unknown${run}/status`);
    expectStatus(a, 404);
    expectBody(a, R.ErrorBody);
  });
  await r.check('map.valid', async () => {
    const a = await send(opts, 'POST', `/api/v1/stations/${station}/map`, {
      body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
    });
    expectStatus(a, 200);
    const m = expectBody<rfid.MapResponse>(a, R.MapResponse);
    expectThat(m.line_id === 'verify-line', 'the map answer does not carry the line');
  });
  await r.check('map.unknown-404', async () => {
    const a = await send(opts, 'POST', `/api/v1/stations/stn_unknown${run}/map`, {
      body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
    });
    expectStatus(a, 404);
    expectBody(a, R.ErrorBody);
  });
  return r.results;
}
