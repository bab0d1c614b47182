import type * as rfidV2 from '@fieldops/contracts/rfid/v2';
import { ErrorBody as ErrorBodyV2, StationStatus as StationStatusV2 } from '@fieldops/contracts/rfid/v2';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import {
  createMemoryRfidBackend,
  createRfidClient,
  createRfidHandler,
  parseDeprecationHeader,
  parseSunsetHeader,
  type RfidBackend,
  resetDeprecationWarnings,
  type ServedHandler,
  serveFetchHandler,
} from '../../src/rfid/index.js';
import { STATION, tagReads } from './fixtures.js';

// rfid.v1 and rfid.v2 served side by side by one handler over one backend; v1 deprecated.

const BASE = 'http://rfid.test';
const HEALTH: rfidV2.StationHealth = {
  station_id: STATION as rfidV2.StationHealth['station_id'],
  queue_depth: 4,
  temperature_c: 38.25,
  firmware_version: '2.0.0',
  clock_offset_ms: -40,
  measured_at: '2026-11-30T09:00:00Z',
};
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const servers: ServedHandler[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(handler: (r: Request) => Promise<Response>) {
  const s = await serveFetchHandler(handler, { port: 0, host: '127.0.0.1' });
  servers.push(s);
  return s.url;
}

describe('one RFID handler, two API versions', { timeout: 60_000 }, () => {
  it('validates each version against its own schemas and names the version in errors', async () => {
    const handle = createRfidHandler({ backend: createMemoryRfidBackend({ stations: [STATION] }) });
    // A batch without health is valid on v2 too (commissioning reads: decision 0051); a bad health is
    // refused naming rfid.v2.EventBatch and the field.
    const bare = await handle(
      post('/api/v2/events', { events: tagReads(1) }, { 'idempotency-key': 'key-v2-0001' }),
    );
    expect(bare.status).toBe(200);
    const wrongTemp = await handle(
      post(
        '/api/v2/events',
        { events: tagReads(1, 1), health: { ...HEALTH, temperature_c: 900 } },
        { 'idempotency-key': 'key-v2-0002' },
      ),
    );
    expect(wrongTemp.status).toBe(400);
    const body = (await wrongTemp.json()) as { error: { contract: string; details: { path: string }[] } };
    expect(ErrorBodyV2.safeParse(body).success).toBe(true);
    expect(body.error.contract).toBe('rfid.v2.EventBatch');
    expect(body.error.details[0]?.path).toBe('health.temperature_c');
    // The same bad body on v1 is fine: v1 knows no health (unknown keys are dropped).
    const v1 = await handle(
      post(
        '/api/v1/events',
        { events: tagReads(1, 2), health: { ...HEALTH, temperature_c: 900 } },
        { 'idempotency-key': 'key-v1-0001' },
      ),
    );
    expect(v1.status).toBe(200);
  });

  it('answers a version it does not serve with 404 naming the versions it does', async () => {
    const handle = createRfidHandler({ backend: createMemoryRfidBackend(), versions: [2] });
    const v3 = await handle(new Request(`${BASE}/api/v3/health`));
    expect(v3.status).toBe(404);
    expect(((await v3.json()) as { error: { message: string } }).error.message).toBe(
      'rfid: API version v3 is not served here (served: v2)',
    );
    expect((await handle(new Request(`${BASE}/api/v1/health`))).status).toBe(404);
    expect((await handle(new Request(`${BASE}/api/v2/health`))).status).toBe(200);
  });

  it('sends Deprecation (RFC 9745 sf-date) and Sunset (RFC 8594 HTTP-date) on every v1 answer, none on v2', async () => {
    const handle = createRfidHandler({ backend: createMemoryRfidBackend({ stations: [STATION] }) });
    for (const res of [
      await handle(new Request(`${BASE}/api/v1/health`)),
      await handle(new Request(`${BASE}/api/v1/stations/stn_nothere1/status`)), // an error answer too
    ]) {
      // https://www.rfc-editor.org/rfc/rfc9745#section-2: Deprecation = sf-date, "@" + integer seconds.
      expect(res.headers.get('deprecation')).toBe('@1796083200');
      expect(parseDeprecationHeader(res.headers.get('deprecation'))?.toISOString()).toBe(
        '2026-12-01T00:00:00.000Z',
      );
      // https://www.rfc-editor.org/rfc/rfc8594#section-3: Sunset = HTTP-date (IMF-fixdate).
      expect(res.headers.get('sunset')).toBe('Wed, 30 Jun 2027 23:59:59 GMT');
      expect(parseSunsetHeader(res.headers.get('sunset'))!.getTime()).toBeGreaterThan(
        parseDeprecationHeader(res.headers.get('deprecation'))!.getTime(),
      );
      // https://www.rfc-editor.org/rfc/rfc9745#section-3: the "deprecation" link relation.
      expect(res.headers.get('link')).toMatch(/<https:[^>]+>; rel="deprecation"/);
    }
    const v2 = await handle(new Request(`${BASE}/api/v2/health`));
    expect(v2.headers.get('deprecation')).toBeNull();
    expect(v2.headers.get('sunset')).toBeNull();
  });

  it('converts the status for each version: v2 reads the health, v1 reads the v1 fields', async () => {
    const backend = createMemoryRfidBackend({ stations: [STATION] });
    const handle = createRfidHandler({ backend });
    const res = await handle(
      post('/api/v2/events', { events: tagReads(2), health: HEALTH }, { 'idempotency-key': 'key-v2-0003' }),
    );
    expect(res.status).toBe(200);
    const s2 = await (await handle(new Request(`${BASE}/api/v2/stations/${STATION}/status`))).json();
    expect(StationStatusV2.parse(s2).health).toMatchObject({ queue_depth: 4, temperature_c: 38.25 });
    const s1 = (await (
      await handle(new Request(`${BASE}/api/v1/stations/${STATION}/status`))
    ).json()) as Record<string, unknown>;
    expect(s1.health).toBeUndefined();
    expect(s1).toMatchObject({ queue_depth: 4, firmware_version: '2.0.0' });
    // A backend that knows nothing of health (v1 terms) still serves v2: health null.
    const plain: RfidBackend = {
      ...backend,
      status: async (id) => {
        const { health: _h, ...v1 } = (await backend.status(id)) as Record<string, unknown>;
        return v1 as never;
      },
    };
    const s2plain = await (
      await createRfidHandler({ backend: plain })(new Request(`${BASE}/api/v2/stations/${STATION}/status`))
    ).json();
    expect(StationStatusV2.parse(s2plain).health).toBeNull();
  });

  it("refuses a station token reporting another station's health (403 naming health.station_id)", async () => {
    const backend = createMemoryRfidBackend({ claimCodes: ['CODE-V2-A', 'CODE-V2-B'] });
    const handle = createRfidHandler({ backend });
    const claim = async (code: string, mac: string) =>
      (await (await handle(post('/api/v2/stations/claim', { claim_code: code, mac }))).json()) as {
        station_id: string;
        station_token: string;
      };
    const a = await claim('CODE-V2-A', '02:00:00:00:0a:0a');
    const b = await claim('CODE-V2-B', '02:00:00:00:0b:0b');
    const res = await handle(
      post(
        '/api/v2/events',
        { events: tagReads(1, 0, a.station_id), health: { ...HEALTH, station_id: b.station_id } },
        {
          'idempotency-key': 'key-v2-scope',
          authorization: `Bearer ${a.station_token}`,
        },
      ),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe(
      'health.station_id',
    );
  });
});

describe('clients built for a version', { timeout: 60_000 }, () => {
  it('a v2 client sends the health with every batch it is given, and a batch without it keeps the last report', async () => {
    const backend = createMemoryRfidBackend({ stations: [STATION] });
    const url = await serve(createRfidHandler({ backend }));
    const client = createRfidClient({ baseUrl: url, version: 2, retry: false, batch: { maxEvents: 2 } });
    let reads = 0;
    const out = await client.ingestEvents(tagReads(5), {
      health: () => ({ ...HEALTH, queue_depth: 5 - 2 * reads++ }),
    });
    expect(out).toMatchObject({ accepted: 5, duplicates: 0 });
    expect(reads).toBe(3); // one reading per batch
    const reported = (await client.stationStatus(STATION)).health;
    expect(reported?.queue_depth).toBe(1);
    // A commissioning batch (sent for the station, nothing measured) carries no health.
    expect(await client.ingestBatch(tagReads(1, 9))).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await client.stationStatus(STATION)).health).toEqual(reported);
  });

  it('log one deprecation warning per process, however many v1 clients see the headers', async () => {
    resetDeprecationWarnings();
    const url = await serve(createRfidHandler({ backend: createMemoryRfidBackend() }));
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      warn: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }),
      info() {},
      debug() {},
      error() {},
      trace() {},
      fatal() {},
    };
    const first = createRfidClient({ baseUrl: url, logger: logger as never });
    const second = createRfidClient({ baseUrl: url, logger: logger as never });
    await first.health();
    await first.health();
    await second.health();
    const v2 = createRfidClient({ baseUrl: url, logger: logger as never, version: 2 });
    await v2.health();
    const deprecated = lines.filter((l) => l.fields.outcome === 'deprecated');
    expect(deprecated).toHaveLength(1);
    expect(deprecated[0]!.msg).toMatch(
      /^rfid\.v1 is deprecated from 2026-12-01T00:00:00\.000Z; the server may stop answering it after 2027-06-30T23:59:59\.000Z/,
    );
    expect(deprecated[0]!.fields).toMatchObject({
      contract: 'rfid.v1',
      sunset_at: '2027-06-30T23:59:59.000Z',
    });
  });

  it('without a logger the warning is a Node DeprecationWarning, once', async () => {
    resetDeprecationWarnings();
    const url = await serve(createRfidHandler({ backend: createMemoryRfidBackend() }));
    const seen: Error[] = [];
    const onWarning = (w: Error) => {
      if ((w as { code?: string }).code === 'FIELDOPS_CONTRACT_DEPRECATED') seen.push(w);
    };
    process.on('warning', onWarning);
    try {
      const client = createRfidClient({ baseUrl: url });
      await client.health();
      await client.health();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.name).toBe('DeprecationWarning');
  });
});

describe('fieldops verify rfid --version', { timeout: 120_000 }, () => {
  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      cwd: process.cwd(),
      env: {},
    });
    return { code, out, err };
  }

  it('checks v2 alone, or every version the server announces', async () => {
    const backend = createMemoryRfidBackend({
      claimCodes: ['V-CODE-1', 'V-CODE-2'],
      apiTokens: ['op-token-123456'],
    });
    const url = await serve(createRfidHandler({ backend }));
    const common = [
      '--token',
      'op-token-123456',
      '--claim-code',
      'V-CODE-1',
      '--claim-code',
      'V-CODE-2',
      '--json',
    ];
    const only2 = await cli(['verify', 'rfid', '--base-url', url, '--version', '2', ...common]);
    expect(only2.err).toBe('');
    const r2 = JSON.parse(only2.out) as { name: string; status: string; version: number }[];
    expect(r2.filter((r) => r.status === 'fail')).toEqual([]);
    expect(new Set(r2.map((r) => r.version))).toEqual(new Set([2]));
    expect(r2.find((r) => r.name === 'health.reported-in-status')?.status).toBe('pass');

    // A server serving only v2 announces only v2.
    const onlyV2 = await serve(createRfidHandler({ backend: createMemoryRfidBackend(), versions: [2] }));
    const all = await cli(['verify', 'rfid', '--base-url', onlyV2, '--version', 'all']);
    expect(all.out).toMatch(/discover\.versions\s+PASS\s+announced: v2/);
    expect(all.out).not.toMatch(/^v1 /m);
    expect(all.out).toMatch(/^v2 health\s+PASS/m);
    expect((await cli(['verify', 'rfid', '--base-url', url, '--version', '3'])).code).toBe(2);
  });

  it('fails a v2 server that drops the health, and a v1 server that hides its deprecation', async () => {
    const backend = createMemoryRfidBackend({ stations: ['stn_verifyknown02'] });
    const forgetful: RfidBackend = { ...backend, ingest: (events) => backend.ingest(events) };
    const hide = (h: (r: Request) => Promise<Response>) => async (r: Request) => {
      const res = await h(r);
      res.headers.delete('deprecation');
      return res;
    };
    const url = await serve(hide(createRfidHandler({ backend: forgetful })));
    const r = await cli(['verify', 'rfid', '--base-url', url, '--station-id', 'stn_verifyknown02']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /v2 health\.reported-in-status\s+FAIL\s+the status does not report the health last sent \(health is null\)/,
    );
    expect(r.out).toMatch(
      /v1 lifecycle\.deprecation-headers\s+FAIL\s+the contract version is deprecated from 2026-12-01T00:00:00Z/,
    );
    expect(r.out).toMatch(/v2 lifecycle\.deprecation-headers\s+PASS/);
    expect(r.out).toMatch(/v2 ingest\.valid-batch\s+PASS/);
  });
});
