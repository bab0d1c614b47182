import type { Deprecation } from '@fieldops/contracts';
import { httpApi, type rfid } from '@fieldops/contracts';
import * as R1 from '@fieldops/contracts/rfid/v1';
import * as R2 from '@fieldops/contracts/rfid/v2';
import { parseDeprecationHeader, parseSunsetHeader } from '../transport/deprecation.js';
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
  /** The API version to check (`/api/v1` or `/api/v2`); default 1. `verifyRfidVersions` checks several. */
  version?: RfidVersion | undefined;
}

/** An RFID API version the verifier knows. */
export type RfidVersion = 1 | 2;

/** Every RFID API version the verifier knows, oldest first. */
export const RFID_VERIFY_VERSIONS: readonly RfidVersion[] = [1, 2];

/** Stations claimed by an earlier version's run, reused by the next (a claim code is one use). */
interface Carried {
  a?: Claimed | undefined;
  b?: Claimed | undefined;
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
  return (await runVersion(options, options.version ?? 1, {})).results;
}

/** Options of {@link verifyRfidVersions}. */
export interface VerifyRfidVersionsOptions extends Omit<VerifyRfidOptions, 'version'> {
  /** `all` (default): every version the server announces; or the versions to check. */
  versions?: 'all' | readonly RfidVersion[] | undefined;
}

/**
 * Checks several API versions of one backend, oldest first; each result carries its `version`. With
 * `all`, the versions are those the server announces: a version is announced when its health
 * endpoint (`/api/vN/health`) answers with a valid Health body. Stations claimed by the first
 * version's run are reused by the next (claim codes are one use).
 */
export async function verifyRfidVersions(options: VerifyRfidVersionsOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let versions: RfidVersion[];
  if (options.versions === undefined || options.versions === 'all') {
    const r = createCheckRunner([options.token], options.onCheck);
    versions = [];
    await r.check('discover.versions', async () => {
      for (const v of RFID_VERIFY_VERSIONS) {
        const res = await send(options, 'GET', `/api/v${v}/health`, { auth: false });
        if ((res.status === 200 || res.status === 503) && R1.Health.safeParse(res.body).success)
          versions.push(v);
      }
      expectThat(
        versions.length > 0,
        `no RFID API version answers its health endpoint (tried ${RFID_VERIFY_VERSIONS.map((v) => `/api/v${v}/health`).join(', ')})`,
      );
    });
    const found = r.results[0]!;
    results.push({
      ...found,
      ...(found.status === 'pass' ? { detail: `announced: ${versions.map((v) => `v${v}`).join(', ')}` } : {}),
    });
  } else {
    versions = [...new Set(options.versions)].sort();
  }
  let carried: Carried = {};
  for (const version of versions) {
    const run = await runVersion({ ...options, version }, version, carried);
    results.push(...run.results.map((x) => ({ ...x, version })));
    carried = { a: run.a, b: run.b };
  }
  return results;
}

async function runVersion(
  options: VerifyRfidOptions,
  version: RfidVersion,
  carried: Carried,
): Promise<{ results: CheckResult[]; a: Claimed | undefined; b: Claimed | undefined }> {
  const R = version === 2 ? R2 : R1;
  const p = (path: string) => `/api/v${version}${path}`;
  const api = httpApi('rfid', version);
  const random = options.random ?? Math.random;
  const run = suffix(random);
  const opts: VerifyRfidOptions = { ...options };
  const operator = options.token;
  const codes = [
    ...new Set([...(options.claimCode ? [options.claimCode] : []), ...(options.claimCodes ?? [])]),
  ];
  const secrets: (string | undefined)[] = [operator];
  const r = createCheckRunner(secrets, options.onCheck);
  let a: Claimed | undefined = carried.a;
  let b: Claimed | undefined = carried.b;
  if (a) secrets.push(a.token);
  if (b) secrets.push(b.token);

  await r.check('health', async () => {
    const res = await send(opts, 'GET', p('/health'), { auth: false });
    expectStatus(res, 200, 503);
    expectBody(res, R.Health);
  });

  await r.check('lifecycle.deprecation-headers', async () => {
    const res = await send(opts, 'GET', p('/health'), { auth: false });
    await lifecycleCheck(res, api.deprecation);
  });

  const claim = async (code: string, n: number): Promise<Claimed> => {
    const res = await send(opts, 'POST', p('/stations/claim'), {
      body: { claim_code: code, mac: macOf(run, n) },
    });
    expectStatus(res, 200);
    const c = expectBody<rfid.ClaimResponse>(res, R.ClaimResponse);
    secrets.push(c.station_token);
    return { id: c.station_id, token: c.station_token };
  };
  if (codes[0] && carried.a) {
    // The stations were claimed by an earlier version's run: their codes are used now.
    const used = codes[0];
    await r.check('claim.reuse-code-409', async () => {
      const res = await send(opts, 'POST', p('/stations/claim'), {
        body: { claim_code: used, mac: macOf(run, 1) },
      });
      expectStatus(res, 409);
      expectBody(res, R.ErrorBody);
    });
  } else if (codes[0]) {
    const first = codes[0];
    await r.check('claim.valid', async () => {
      a = await claim(first, 1);
    });
    await r.check('claim.reuse-code-409', async () => {
      // Same code, same MAC (anyone on the LAN sees the MAC): a claim code is one use.
      const res = await send(opts, 'POST', p('/stations/claim'), {
        body: { claim_code: first, mac: macOf(run, 1) },
      });
      expectStatus(res, 409);
      expectBody(res, R.ErrorBody);
    }, ['claim.valid']);
    await r.check('claim.unknown-code-404', async () => {
      const res = await send(opts, 'POST', p('/stations/claim'), {
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
      const res = await send(opts, 'GET', p(`/stations/${station ?? `stn_verify${run}`}/status`), {
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
  // What a v2 station reports with each batch; v1 batches carry events only.
  const healthOf = (stationId: string | undefined, n = 0) => ({
    station_id: stationId,
    queue_depth: 3 + n,
    temperature_c: 41.5,
    firmware_version: `verify-${run}`,
    clock_offset_ms: -120,
    measured_at: new Date().toISOString(),
  });
  const batchOf = (events: Record<string, unknown>[], stationId = station, n = 0) =>
    version === 2 ? { events, health: healthOf(stationId, n) } : { events };
  const ingest = (body: unknown, key: string | undefined, token = own) =>
    send(opts, 'POST', p('/events'), {
      body,
      token,
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });

  if (asOperator) {
    await r.check('ingest.unknown-station-404', async () => {
      const res = await send(opts, 'POST', p('/events'), {
        body: batchOf([event(90, `stn_unknown${run}`)], `stn_unknown${run}`),
        headers: { 'Idempotency-Key': `verify:${run}:unknown` },
      });
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
  } else {
    r.skip('ingest.unknown-station-404', 'needs an operator token (--token-env)');
  }

  if (station) {
    const batch = batchOf([event(1), event(2), event(3)]);
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
      const res = await ingest(batchOf([event(9)]), key);
      expectStatus(res, 422);
      expectBody(res, R.ErrorBody);
    }, ['ingest.valid-batch']);
    await r.check('ingest.dedup-by-event-id', async () => {
      const res = await ingest(batchOf([...batch.events, event(4)]), `verify:${run}:2`);
      expectStatus(res, 200);
      const out = expectBody<rfid.IngestResult>(res, R.IngestResult);
      expectThat(
        out.accepted === 1 && out.duplicates === 3,
        `expected 1 accepted, 3 duplicates; got ${JSON.stringify(out)}`,
      );
    }, ['ingest.valid-batch']);
    await r.check('ingest.missing-key-400', async () => {
      const res = await ingest(batchOf([event(5)]), undefined);
      expectStatus(res, 400);
      expectBody(res, R.ErrorBody);
    });
    await r.check('ingest.invalid-body-400', async () => {
      const res = await ingest(batchOf([{ ...event(6), rssi_dbm: 20 }]), `verify:${run}:3`);
      expectStatus(res, 400);
      const e = expectBody<rfid.ErrorBody>(res, R.ErrorBody);
      expectThat(!!e.error.details?.length, 'a 400 should name the failing fields in error.details');
    });
    await r.check('ingest.non-json-415', async () => {
      const res = await send(opts, 'POST', p('/events'), {
        body: JSON.stringify(batchOf([event(7)])),
        token: own,
        headers: { 'Idempotency-Key': `verify:${run}:415`, 'content-type': 'text/plain' },
      });
      expectStatus(res, 415);
      expectBody(res, R.ErrorBody);
    });
    await r.check('ingest.over-limit-rejected', async () => {
      const events = Array.from({ length: R.MAX_EVENTS_PER_BATCH + 1 }, (_, i) => event(100 + i));
      const res = await ingest(batchOf(events), `verify:${run}:4`);
      expectStatus(res, 400, 413);
      expectBody(res, R.ErrorBody);
    });
    await r.check('status.valid', async () => {
      const res = await send(opts, 'GET', p(`/stations/${station}/status`), { token: own });
      expectStatus(res, 200);
      const s = expectBody<rfid.StationStatus>(res, R.StationStatus);
      expectThat(s.station_id === station, `status of ${station} answered station ${s.station_id}`);
    });
    if (version === 2) {
      await r.check('health.reported-in-status', async () => {
        const body = batchOf([event(11)], station, 7) as { health: Record<string, unknown> };
        const sent = await ingest(body, `verify:${run}:health`);
        expectStatus(sent, 200);
        const res = await send(opts, 'GET', p(`/stations/${station}/status`), { token: own });
        expectStatus(res, 200);
        const s = expectBody<{ health: Record<string, unknown> | null }>(res, R2.StationStatus);
        const { station_id: _id, ...readings } = body.health;
        expectThat(s.health !== null, 'the status does not report the health last sent (health is null)');
        const got = s.health!;
        const wrong = Object.entries(readings).filter(([k, v]) =>
          k === 'measured_at' ? Date.parse(String(got[k])) !== Date.parse(String(v)) : got[k] !== v,
        );
        expectThat(
          wrong.length === 0,
          `the status does not report the health last sent (${wrong.map(([k]) => k).join(', ')} differ)`,
        );
      }, ['ingest.valid-batch']);
      await r.check('health.absent-keeps-last', async () => {
        // A batch sent for the station without health (commissioning reads) is accepted and leaves the
        // last report as it was (decision 0051).
        const before = await send(opts, 'GET', p(`/stations/${station}/status`), { token: own });
        expectStatus(before, 200);
        const last = expectBody<{ health: Record<string, unknown> | null }>(before, R2.StationStatus).health;
        const res = await ingest({ events: [event(8)] }, `verify:${run}:nohealth`);
        expectStatus(res, 200);
        const after = await send(opts, 'GET', p(`/stations/${station}/status`), { token: own });
        expectStatus(after, 200);
        const now = expectBody<{ health: Record<string, unknown> | null }>(after, R2.StationStatus).health;
        expectThat(
          JSON.stringify(now) === JSON.stringify(last),
          `a batch without health changed the reported health (${JSON.stringify(last)} -> ${JSON.stringify(now)})`,
        );
      }, ['health.reported-in-status']);
    }
  } else {
    r.skip('ingest', 'pass --claim-code (or --station-id of a claimed station) to check ingest');
  }
  await r.check('status.bad-percent-encoding-400', async () => {
    const res = await send(opts, 'GET', p('/stations/%E0%A4%A/status'), { token: own });
    expectStatus(res, 400);
    expectBody(res, R.ErrorBody);
  });

  if (asOperator) {
    await r.check('status.unknown-404', async () => {
      const res = await send(opts, 'GET', p(`/stations/stn_unknown${run}/status`));
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
    if (station) {
      await r.check('map.valid', async () => {
        const res = await send(opts, 'POST', p(`/stations/${station}/map`), {
          body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
        });
        expectStatus(res, 200);
        const m = expectBody<rfid.MapResponse>(res, R.MapResponse);
        expectThat(m.line_id === 'verify-line', 'the map answer does not carry the line');
      });
    }
    await r.check('map.unknown-404', async () => {
      const res = await send(opts, 'POST', p(`/stations/stn_unknown${run}/map`), {
        body: { site_id: `site_verify${run}`, line_id: 'verify-line' },
      });
      expectStatus(res, 404);
      expectBody(res, R.ErrorBody);
    });
  } else {
    r.skip('map', 'mapping is an operator action: pass an operator token (--token-env)');
  }

  await scopingChecks(r, opts, run, a, b, event, { R, p, batchOf });

  if (operator && a) {
    const stationA = a;
    await r.check('token.reissue-by-operator', async () => {
      const res = await send(opts, 'POST', p(`/stations/${stationA.id}/token`));
      expectStatus(res, 200);
      const c = expectBody<rfid.ClaimResponse>(res, R.ClaimResponse);
      secrets.push(c.station_token);
      a = { id: stationA.id, token: c.station_token };
      expectThat(c.station_id === stationA.id, `re-issued a token for ${c.station_id}, not ${stationA.id}`);
      const old = await send(opts, 'GET', p(`/stations/${stationA.id}/status`), {
        token: stationA.token,
      });
      expectThat(old.status === 401, `the old station token still works (HTTP ${old.status}), not 401`);
      const fresh = await send(opts, 'GET', p(`/stations/${stationA.id}/status`), {
        token: c.station_token,
      });
      expectStatus(fresh, 200);
    });
  } else {
    r.skip('token.reissue-by-operator', 'needs an operator token (--token-env) and a claim code');
  }
  return { results: r.results, a, b };
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
  v: {
    R: typeof R1 | typeof R2;
    p: (path: string) => string;
    batchOf: (events: Record<string, unknown>[], stationId?: string) => unknown;
  },
): Promise<void> {
  const { R, p, batchOf } = v;
  if (!a || !b) {
    r.skip('scope', 'pass --claim-code twice (two unused codes) to check station-token scoping');
    return;
  }
  const refused = (res: Answer, ...statuses: number[]) => {
    expectStatus(res, ...statuses);
    expectBody(res, R.ErrorBody);
  };
  await r.check('scope.ingest-other-station-403', async () => {
    const res = await send(opts, 'POST', p('/events'), {
      body: batchOf([event(200, a.id), event(201, b.id)], a.id),
      token: a.token,
      headers: { 'Idempotency-Key': `verify:${run}:scope:1` },
    });
    refused(res, 403);
  });
  await r.check('scope.ingest-unknown-station-refused', async () => {
    const res = await send(opts, 'POST', p('/events'), {
      body: batchOf([event(202, `stn_phantom${run}`)], a.id),
      token: a.token,
      headers: { 'Idempotency-Key': `verify:${run}:scope:2` },
    });
    refused(res, 403, 404);
  });
  if (R === R2) {
    await r.check('scope.health-other-station-403', async () => {
      const res = await send(opts, 'POST', p('/events'), {
        body: { ...(batchOf([event(205, a.id)], b.id) as object) },
        token: a.token,
        headers: { 'Idempotency-Key': `verify:${run}:scope:health` },
      });
      refused(res, 403);
    });
  }
  await r.check('scope.status-other-station-403', async () => {
    refused(await send(opts, 'GET', p(`/stations/${b.id}/status`), { token: a.token }), 403);
  });
  await r.check('scope.map-by-station-403', async () => {
    const body = { site_id: `site_verify${run}`, line_id: 'station-mapped' };
    refused(await send(opts, 'POST', p(`/stations/${a.id}/map`), { body, token: a.token }), 403);
    refused(await send(opts, 'POST', p(`/stations/${b.id}/map`), { body, token: a.token }), 403);
  });
  await r.check('scope.idempotency-key-per-caller', async () => {
    const key = `verify:${run}:scope:shared`;
    const first = await send(opts, 'POST', p('/events'), {
      body: batchOf([event(210, a.id)], a.id),
      token: a.token,
      headers: { 'Idempotency-Key': key },
    });
    expectStatus(first, 200);
    // B, with the same key and its own two events: a fresh request, not A's answer and not a 422.
    const second = await send(opts, 'POST', p('/events'), {
      body: batchOf([event(211, b.id), event(212, b.id)], b.id),
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
    refused(await send(opts, 'POST', p(`/stations/${b.id}/token`), { token: a.token }), 403);
  });
}

/**
 * RFC 9745 §2 and RFC 8594 §3: a deprecated version announces it on every answer (`Deprecation` as a
 * Structured Field Date, `Sunset` as an HTTP-date, not before the deprecation and not before the
 * contract's sunset: a server may serve longer, never shorter); a current version announces nothing.
 */
function lifecycleCheck(res: Answer, d: Deprecation | undefined): void {
  const dep = res.headers.get('deprecation');
  const sunset = res.headers.get('sunset');
  if (!d) {
    expectThat(dep === null, `this contract version is current, yet the server answers Deprecation: ${dep}`);
    return;
  }
  expectThat(
    dep !== null,
    `the contract version is deprecated from ${d.deprecatedAt}: answers must carry Deprecation (RFC 9745)`,
  );
  const at = parseDeprecationHeader(dep);
  expectThat(
    at !== undefined,
    `Deprecation: ${dep} is not a Structured Field Date such as @1796083200 (RFC 9745 §2)`,
  );
  const end = parseSunsetHeader(sunset);
  expectThat(end !== undefined, `Sunset: ${sunset ?? '(missing)'} is not an HTTP-date (RFC 8594 §3)`);
  expectThat(end!.getTime() >= at!.getTime(), `Sunset ${sunset} is before the deprecation ${dep}`);
  expectThat(
    end!.getTime() >= Date.parse(d.sunsetAt),
    `Sunset ${sunset} is before the contract's sunset ${d.sunsetAt}: a version is served at least that long`,
  );
}
