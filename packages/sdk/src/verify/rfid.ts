import type { rfid } from '@fieldops/contracts';
import * as R from '@fieldops/contracts/rfid/v1';
import {
  type Answer,
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
  /**
   * Unused claim codes; the first claims station A, the second station B. With two, the
   * station-token scoping checks run (A may not act on B). `claimCode` counts as the first.
   */
  claimCodes?: readonly string[] | undefined;
  /** A claimed station's id for ingest when no claim code is given. */
  stationId?: string | undefined;
}

interface Claimed {
  id: string;
  token: string;
}

const macOf = (run: string, n: number) =>
  `02:0${n}:${run
    .slice(0, 8)
    .replace(/[^0-9a-f]/g, '0')
    .match(/../g)!
    .join(':')}`;

/**
 * Checks a live RFID backend against the contract: every answer valid, Idempotency-Key replay /
 * 422, dedup by event id across batches, the error statuses (400, 401, 404, 409, 415), one-use
 * claim codes, and station-token scoping (403: a station writes only its own events, reads only its
 * own status, maps nothing; idempotency keys do not cross tokens).
 */
export async function verifyRfid(options: VerifyRfidOptions): Promise<CheckResult[]> {
  const random = options.random ?? Math.random;
  const run = suffix(random);
  const opts: VerifyRfidOptions = { ...options };
  const operator = options.token;
  const codes = [
    ...new Set([...(options.claimCode ? [options.claimCode] : []), ...(options.claimCodes ?? [])]),
  ];
  const secrets: (string | undefined)[] = [operator];
  const r = createCheckRunner(secrets);
  let a: Claimed | undefined;
  let b: Claimed | undefined;

  await r.check('health', async () => {
    const res = await send(opts, 'GET', '/api/v1/health', { auth: false });
    expectStatus(res, 200, 503);
    expectBody(res, R.Health);
  });

  const claim = async (code: string, n: number): Promise<Claimed> => {
    const res = await send(opts, 'POST', '/api/v1/stations/claim', {
      body: { claim_code: code, mac: macOf(run, n) },
    });
    expectStatus(res, 200);
    const c = expectBody<rfid.ClaimResponse>(res, R.ClaimResponse);
    secrets.push(c.station_token);
    return { id: c.station_id, token: c.station_token };
  };
  if (codes[0]) {
    const first = codes[0];
    await r.check('claim.valid', async () => {
      a = await claim(first, 1);
    });
    await r.check('claim.reuse-code-409', async () => {
      // Same code, same MAC (anyone on the LAN sees the MAC): a claim code is one use.
      const res = await send(opts, 'POST', '/api/v1/stations/claim', {
        body: { claim_code: first, mac: macOf(run, 1) },
      });
      expectStatus(res, 409);
      expectBody(res, R.ErrorBody);
    }, ['claim.valid']);
    await r.check('claim.unknown-code-404', async () => {
      const res = await send(opts, 'POST', '/api/v1/stations/claim', {
        body: { claim_code: `nope-${run}`, mac: '02:00:00:00:00:01' },
      });
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
    if (codes[1]) {
      const second = codes[1];
      await r.check('claim.second-station', async () => {
        b = await claim(second, 2);
      });
    }
  } else {
    r.skip('claim', 'pass --claim-code to check claims');
  }

  const station = a?.id ?? options.stationId;
  // Station A's token when there is one (what a station sends), else the operator's.
  const own = a?.token ?? operator;
  // Operator checks run with the operator token, or with none against an open backend.
  const asOperator = operator !== undefined || own === undefined;

  if (operator || a) {
    await r.check('auth.missing-token-401', async () => {
      const res = await send(opts, 'GET', `/api/v1/stations/${station ?? `stn_verify${run}`}/status`, {
        auth: false,
      });
      expectStatus(res, 401);
      expectBody(res, R.ErrorBody);
    });
  } else {
    r.skip('auth.missing-token-401', 'no token');
  }

  const event = (n: number, stationId = station) => ({
    type: 'tag_read',
    event_id: `verify-${run}-${n}`,
    station_id: stationId,
    occurred_at: new Date().toISOString(),
    epc: 'e28011700000020a1b2c3d4e',
    antenna: 1,
    rssi_dbm: -50,
  });
  const ingest = (body: unknown, key: string | undefined, token = own) =>
    send(opts, 'POST', '/api/v1/events', {
      body,
      token,
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });

  if (asOperator) {
    await r.check('ingest.unknown-station-404', async () => {
      const res = await send(opts, 'POST', '/api/v1/events', {
        body: { events: [event(90, `stn_unknown${run}`)] },
        headers: { 'Idempotency-Key': `verify:${run}:unknown` },
      });
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
  } else {
    r.skip('ingest.unknown-station-404', 'needs an operator token (--token-env)');
  }

  if (station) {
    const batch = { events: [event(1), event(2), event(3)] };
    const key = `verify:${run}:1`;
    let first: unknown;
    await r.check('ingest.valid-batch', async () => {
      const res = await ingest(batch, key);
      expectStatus(res, 200);
      const out = expectBody<rfid.IngestResult>(res, R.IngestResult);
      expectThat(
        out.accepted === 3 && out.duplicates === 0,
        `expected 3 accepted, 0 duplicates; got ${JSON.stringify(out)}`,
      );
      first = res.body;
    });
    await r.check('ingest.replay-same-key', async () => {
      const res = await ingest(batch, key);
      expectStatus(res, 200);
      expectBody(res, R.IngestResult);
      expectThat(
        JSON.stringify(res.body) === JSON.stringify(first),
        `the replay answered ${JSON.stringify(res.body)}, not the first answer ${JSON.stringify(first)}`,
      );
    }, ['ingest.valid-batch']);
    await r.check('ingest.key-reuse-422', async () => {
      const res = await ingest({ events: [event(9)] }, key);
      expectStatus(res, 422);
      expectBody(res, R.ErrorBody);
    }, ['ingest.valid-batch']);
    await r.check('ingest.dedup-by-event-id', async () => {
      const res = await ingest({ events: [...batch.events, event(4)] }, `verify:${run}:2`);
      expectStatus(res, 200);
      const out = expectBody<rfid.IngestResult>(res, R.IngestResult);
      expectThat(
        out.accepted === 1 && out.duplicates === 3,
        `expected 1 accepted, 3 duplicates; got ${JSON.stringify(out)}`,
      );
    }, ['ingest.valid-batch']);
    await r.check('ingest.missing-key-400', async () => {
      const res = await ingest({ events: [event(5)] }, undefined);
      expectStatus(res, 400);
      expectBody(res, R.ErrorBody);
    });
    await r.check('ingest.invalid-body-400', async () => {
      const res = await ingest({ events: [{ ...event(6), rssi_dbm: 20 }] }, `verify:${run}:3`);
      expectStatus(res, 400);
      const e = expectBody<rfid.ErrorBody>(res, R.ErrorBody);
      expectThat(!!e.error.details?.length, 'a 400 should name the failing fields in error.details');
    });
    await r.check('ingest.non-json-415', async () => {
      const res = await send(opts, 'POST', '/api/v1/events', {
        body: JSON.stringify({ events: [event(7)] }),
        token: own,
        headers: { 'Idempotency-Key': `verify:${run}:415`, 'content-type': 'text/plain' },
      });
      expectStatus(res, 415);
      expectBody(res, R.ErrorBody);
    });
    await r.check('ingest.over-limit-rejected', async () => {
      const events = Array.from({ length: R.MAX_EVENTS_PER_BATCH + 1 }, (_, i) => event(100 + i));
      const res = await ingest({ events }, `verify:${run}:4`);
      expectStatus(res, 400, 413);
      expectBody(res, R.ErrorBody);
    });
    await r.check('status.valid', async () => {
      const res = await send(opts, 'GET', `/api/v1/stations/${station}/status`, { token: own });
      expectStatus(res, 200);
      const s = expectBody<rfid.StationStatus>(res, R.StationStatus);
      expectThat(s.station_id === station, `status of ${station} answered station ${s.station_id}`);
    });
  } else {
    r.skip('ingest', 'pass --claim-code (or --station-id of a claimed station) to check ingest');
  }
  await r.check('status.bad-percent-encoding-400', async () => {
    const res = await send(opts, 'GET', '/api/v1/stations/%E0%A4%A/status', { token: own });
    expectStatus(res, 400);
    expectBody(res, R.ErrorBody);
  });

  if (asOperator) {
    await r.check('status.unknown-404', async () => {
      const res = await send(opts, 'GET', `/api/v1/stations/stn_unknown${run}/status`);
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
    if (station) {
      await r.check('map.valid', async () => {
        const res = await send(opts, 'POST', `/api/v1/stations/${station}/map`, {
          body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
        });
        expectStatus(res, 200);
        const m = expectBody<rfid.MapResponse>(res, R.MapResponse);
        expectThat(m.line_id === 'verify-line', 'the map answer does not carry the line');
      });
    }
    await r.check('map.unknown-404', async () => {
      const res = await send(opts, 'POST', `/api/v1/stations/stn_unknown${run}/map`, {
        body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
      });
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
  } else {
    r.skip('map', 'mapping is an operator action: pass an operator token (--token-env)');
  }

  await scopingChecks(r, opts, run, a, b, event);

  if (operator && a) {
    const stationA = a;
    await r.check('token.reissue-by-operator', async () => {
      const res = await send(opts, 'POST', `/api/v1/stations/${stationA.id}/token`);
      expectStatus(res, 200);
      const c = expectBody<rfid.ClaimResponse>(res, R.ClaimResponse);
      secrets.push(c.station_token);
      expectThat(c.station_id === stationA.id, `re-issued a token for ${c.station_id}, not ${stationA.id}`);
      const old = await send(opts, 'GET', `/api/v1/stations/${stationA.id}/status`, {
        token: stationA.token,
      });
      expectThat(old.status === 401, `the old station token still works (HTTP ${old.status}), not 401`);
      const fresh = await send(opts, 'GET', `/api/v1/stations/${stationA.id}/status`, {
        token: c.station_token,
      });
      expectStatus(fresh, 200);
    });
  } else {
    r.skip('token.reissue-by-operator', 'needs an operator token (--token-env) and a claim code');
  }
  return r.results;
}

type Runner = ReturnType<typeof createCheckRunner>;

/** Station A's token against station B: every attempt refused, and idempotency keys kept apart. */
async function scopingChecks(
  r: Runner,
  opts: VerifyRfidOptions,
  run: string,
  a: Claimed | undefined,
  b: Claimed | undefined,
  event: (n: number, stationId?: string) => Record<string, unknown>,
): Promise<void> {
  if (!a || !b) {
    r.skip('scope', 'pass --claim-code twice (two unused codes) to check station-token scoping');
    return;
  }
  const refused = (res: Answer, ...statuses: number[]) => {
    expectStatus(res, ...statuses);
    expectBody(res, R.ErrorBody);
  };
  await r.check('scope.ingest-other-station-403', async () => {
    const res = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [event(200, a.id), event(201, b.id)] },
      token: a.token,
      headers: { 'Idempotency-Key': `verify:${run}:scope:1` },
    });
    refused(res, 403);
  });
  await r.check('scope.ingest-unknown-station-refused', async () => {
    const res = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [event(202, `stn_phantom${run}`)] },
      token: a.token,
      headers: { 'Idempotency-Key': `verify:${run}:scope:2` },
    });
    refused(res, 403, 404);
  });
  await r.check('scope.status-other-station-403', async () => {
    refused(await send(opts, 'GET', `/api/v1/stations/${b.id}/status`, { token: a.token }), 403);
  });
  await r.check('scope.map-by-station-403', async () => {
    const body = { site_id: `site_verify${run}`, line_id: 'station-mapped' };
    refused(await send(opts, 'POST', `/api/v1/stations/${a.id}/map`, { body, token: a.token }), 403);
    refused(await send(opts, 'POST', `/api/v1/stations/${b.id}/map`, { body, token: a.token }), 403);
  });
  await r.check('scope.idempotency-key-per-caller', async () => {
    const key = `verify:${run}:scope:shared`;
    const first = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [event(210, a.id)] },
      token: a.token,
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(first, 200);
    // B, with the same key and its own two events: a fresh request, not A's answer and not a 422.
    const second = await send(opts, 'POST', '/api/v1/events', {
      body: { events: [event(211, b.id), event(212, b.id)] },
      token: b.token,
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(second, 200);
    const out = expectBody<rfid.IngestResult>(second, R.IngestResult);
    expectThat(
      out.accepted === 2 && second.headers.get('idempotent-replayed') === null,
      `station B got ${JSON.stringify(out)} for its own key: another caller's answer leaked`,
    );
  });
  // Last: against a backend that wrongly allows it, B's token is gone afterwards.
  await r.check('scope.reissue-by-station-403', async () => {
    refused(await send(opts, 'POST', `/api/v1/stations/${b.id}/token`, { token: a.token }), 403);
  });
}
