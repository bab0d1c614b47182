import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { rfid } from '@fieldops/contracts';
import { createRfidClient } from '@fieldops/sdk/rfid';
import { afterEach, describe, expect, it } from 'vitest';
import { startRfidBackend } from '../src/server.js';

const HERE = resolve(import.meta.dirname, '..');
const REPO = resolve(HERE, '../..');
const FIELDOPS_CLI = join(REPO, 'packages/sdk/dist/cli/main.js');
const run = promisify(execFile);

const dirs: string[] = [];
async function dataDir() {
  const d = await mkdtemp(join(tmpdir(), 'rfid-backend-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const tagRead = (n: number, station = 'stn_dock0001'): rfid.RfidEvent => ({
  type: 'tag_read',
  event_id: `evt-${String(n).padStart(8, '0')}`,
  station_id: station as never,
  occurred_at: new Date(Date.UTC(2026, 10, 27, 8, 0, n % 60)).toISOString(),
  epc: 'e28011700000020a1b2c3d4e',
  antenna: 1,
  rssi_dbm: -52,
});

describe('example RFID backend', () => {
  it('passes the built `fieldops verify rfid` (with an operator token and a claim code)', async () => {
    const token = `verify-${Date.now()}`;
    const service = await startRfidBackend({
      dataDir: await dataDir(),
      claimCodes: ['EXAMPLE-CLAIM-0001', 'EXAMPLE-CLAIM-0003'],
      apiTokens: [token],
    });
    try {
      const { stdout } = await run(
        process.execPath,
        [
          FIELDOPS_CLI,
          'verify',
          'rfid',
          '--base-url',
          service.url,
          '--token-env',
          'EXAMPLE_RFID_TOKEN',
          '--claim-code',
          'EXAMPLE-CLAIM-0001',
          '--claim-code',
          'EXAMPLE-CLAIM-0003',
          '--json',
        ],
        { env: { ...process.env, EXAMPLE_RFID_TOKEN: token } },
      );
      const results = JSON.parse(stdout) as {
        name: string;
        status: 'pass' | 'fail' | 'skip';
        version?: number;
        detail?: string;
      }[];
      const failed = results.filter((r) => r.status !== 'pass');
      expect(failed).toEqual([]);
      // Without --version the verifier checks every version the backend announces: v1 and v2.
      expect(results.find((r) => r.name === 'discover.versions')?.detail).toBe('announced: v1, v2');
      const of = (v: number) => results.filter((r) => r.version === v).map((r) => r.name);
      expect(of(1)).toEqual(expect.arrayContaining(['ingest.valid-batch', 'lifecycle.deprecation-headers']));
      expect(of(2)).toEqual(
        expect.arrayContaining([
          'ingest.valid-batch',
          'ingest.replay-same-key',
          'health.absent-keeps-last',
          'health.reported-in-status',
          'scope.health-other-station-403',
          'lifecycle.deprecation-headers',
        ]),
      );
      expect(results.map((r) => r.name)).toContain('ingest.replay-same-key');
      expect(results.map((r) => r.name)).toContain('claim.valid');
      // Station-token scoping (issue 11 item 3) and one-use claim codes (item 12) hold here too.
      expect(results.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          'scope.ingest-other-station-403',
          'scope.status-other-station-403',
          'scope.map-by-station-403',
          'scope.idempotency-key-per-caller',
          'claim.reuse-code-409',
          'token.reissue-by-operator',
        ]),
      );
    } finally {
      await service.close();
    }
  });

  it('takes a v1 station and a v2 station into the same backend; each version reads the other through the converters', async () => {
    const dir = await dataDir();
    const service = await startRfidBackend({ dataDir: dir, claimCodes: ['MIXED-V1-0001', 'MIXED-V2-0001'] });
    const warnings: string[] = [];
    try {
      // The deprecation warning goes to the logger the client was given (once per process).
      const logger = {
        warn: (o: unknown, m?: string) => warnings.push(m ?? String(o)),
        info() {},
        debug() {},
        error() {},
        trace() {},
        fatal() {},
        child() {
          return logger;
        },
      } as never;
      const anon1 = createRfidClient({ baseUrl: service.url, retry: false, logger });
      const anon2 = createRfidClient({ baseUrl: service.url, retry: false, version: 2 });
      const old = await anon1.claimStation({ claim_code: 'MIXED-V1-0001', mac: '02:00:00:00:01:01' });
      const neu = await anon2.claimStation({ claim_code: 'MIXED-V2-0001', mac: '02:00:00:00:02:02' });
      // A v2 claim tells the station to send to /api/v2/events.
      expect(old.config.ingest_url).toMatch(/\/api\/v1\/events$/);
      expect(neu.config.ingest_url).toMatch(/\/api\/v2\/events$/);
      const v1 = createRfidClient({ baseUrl: service.url, retry: false, token: old.station_token, logger });
      const v2 = createRfidClient({
        baseUrl: service.url,
        retry: false,
        token: neu.station_token,
        version: 2,
      });
      const health = {
        station_id: neu.station_id,
        queue_depth: 12,
        temperature_c: 47.5,
        firmware_version: '2.4.1',
        clock_offset_ms: 850,
        measured_at: '2026-11-30T08:00:00.000Z',
      };
      expect(await v1.ingestEvents([tagRead(1, old.station_id), tagRead(2, old.station_id)])).toMatchObject({
        accepted: 2,
      });
      expect(await v2.ingestEvents([tagRead(1, neu.station_id)], { health })).toMatchObject({ accepted: 1 });
      expect(service.backend.counts()).toEqual({ stations: 2, events: 3 });

      // v2 reads the v2 station's health; the v1 station, read through v2, has none (converted up).
      const s2 = await v2.stationStatus(neu.station_id);
      expect(s2.health).toMatchObject({ queue_depth: 12, temperature_c: 47.5, clock_offset_ms: 850 });
      expect(s2.health?.received_at).toBeDefined();
      const operatorV2 = createRfidClient({ baseUrl: service.url, retry: false, version: 2 });
      expect((await operatorV2.stationStatus(old.station_id)).health).toBeNull();
      // v1 reads the v2 station converted down: no health field, its queue depth and firmware kept.
      const s1 = await anon1.stationStatus(neu.station_id);
      expect(s1).not.toHaveProperty('health');
      expect(s1).toMatchObject({ queue_depth: 12, firmware_version: '2.4.1', state: 'online' });
      // The v1 answers said v1 is deprecated: one warning for the process, whichever client saw it.
      expect(warnings.filter((w) => /rfid\.v1 is deprecated/.test(w))).toHaveLength(1);
    } finally {
      await service.close();
    }
    // The health is durable: it comes back after a restart.
    const again = await startRfidBackend({ dataDir: dir });
    try {
      const v2 = createRfidClient({ baseUrl: again.url, retry: false, version: 2 });
      const ids = (await readFile(join(dir, 'rfid-backend.jsonl'), 'utf8')).match(
        /"health":\{"station_id":"(stn_[^"]+)"/,
      );
      expect((await v2.stationStatus(ids![1]!)).health).toMatchObject({ temperature_c: 47.5 });
    } finally {
      await again.close();
    }
  });

  it('keeps events, stations, mappings and idempotent answers across a restart', async () => {
    const dir = await dataDir();
    const first = await startRfidBackend({ dataDir: dir, claimCodes: ['EXAMPLE-CLAIM-0002'] });
    const client = createRfidClient({ baseUrl: first.url, retry: false });
    const claim = await client.claimStation({ claim_code: 'EXAMPLE-CLAIM-0002', mac: '02:00:00:00:00:02' });
    await client.mapStation(claim.station_id, {
      site_id: 'site_01jd8y3k2m0000000000000001' as never,
      line_id: 'dock-2',
    });
    const events = Array.from({ length: 50 }, (_, n) => tagRead(n, claim.station_id));
    expect(await client.ingestBatch(events)).toMatchObject({ accepted: 50, duplicates: 0 });
    await first.close();

    const second = await startRfidBackend({ dataDir: dir, claimCodes: ['EXAMPLE-CLAIM-0002'] });
    try {
      expect(second.backend.counts()).toEqual({ stations: 1, events: 50 });
      const again = createRfidClient({ baseUrl: second.url, retry: false });
      // The same batch (same derived Idempotency-Key): the first answer is replayed.
      expect(await again.ingestBatch(events)).toMatchObject({ accepted: 50, duplicates: 0 });
      // Overlapping events under a new key: deduplicated by event id.
      expect(await again.ingestBatch([...events.slice(40), tagRead(99, claim.station_id)])).toMatchObject({
        accepted: 1,
        duplicates: 10,
      });
      const status = await again.stationStatus(claim.station_id);
      expect(status).toMatchObject({ state: 'online', line_id: 'dock-2', mac: '02:00:00:00:00:02' });
      // A used claim code stays used across the restart, even with the same MAC.
      await expect(
        again.claimStation({ claim_code: 'EXAMPLE-CLAIM-0002', mac: '02:00:00:00:00:02' }),
      ).rejects.toMatchObject({ status: 409 });
      // The station's token survived the restart; tokens are stored hashed.
      const own = createRfidClient({ baseUrl: second.url, retry: false, token: claim.station_token });
      expect((await own.stationStatus(claim.station_id)).station_id).toBe(claim.station_id);
      const journal = await readFile(join(dir, 'rfid-backend.jsonl'), 'utf8');
      expect(journal).not.toContain(claim.station_token);
    } finally {
      await second.close();
    }
  });

  it('ignores a torn last line left by a crash mid-write', async () => {
    const dir = await dataDir();
    const first = await startRfidBackend({ dataDir: dir, claimCodes: ['EXAMPLE-TORN-0001'] });
    const client = createRfidClient({ baseUrl: first.url, retry: false });
    const { station_id } = await client.claimStation({
      claim_code: 'EXAMPLE-TORN-0001',
      mac: '02:00:00:00:00:03',
    });
    await client.ingestBatch([tagRead(1, station_id), tagRead(2, station_id)]);
    await first.close();
    await appendFile(join(dir, 'rfid-backend.jsonl'), '{"op":"events","at":1,"ev');
    const second = await startRfidBackend({ dataDir: dir });
    try {
      expect(second.backend.counts().events).toBe(2);
      const again = createRfidClient({ baseUrl: second.url, retry: false });
      expect(await again.ingestBatch([tagRead(3, station_id)])).toMatchObject({ accepted: 1 });
    } finally {
      await second.close();
    }
    const third = await startRfidBackend({ dataDir: dir });
    expect(third.backend.counts().events).toBe(3);
    await third.close();
  });

  it('loses no acknowledged event when the process is SIGKILLed', async () => {
    const dir = await dataDir();
    const start = () =>
      new Promise<{ child: ChildProcess; url: string }>((ok, fail) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'src/main.ts', '--data-dir', dir, '--port', '0', '--claim-code', 'KILL-0001'],
          {
            cwd: HERE,
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /listening (\S+)/.exec(out);
          if (m) ok({ child, url: m[1]! });
        });
        child.once('exit', (code) => fail(new Error(`rfid backend exited with ${code}`)));
      });
    const first = await start();
    const client = createRfidClient({ baseUrl: first.url, retry: false });
    const { station_id } = await client.claimStation({ claim_code: 'KILL-0001', mac: '02:00:00:00:00:04' });
    let acknowledged = 0;
    for (let b = 0; b < 20; b++) {
      const r = await client.ingestBatch(
        Array.from({ length: 25 }, (_, n) => tagRead(b * 25 + n, station_id)),
      );
      acknowledged += r.accepted;
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const second = await start();
    try {
      const again = createRfidClient({ baseUrl: second.url, retry: false });
      const all = Array.from({ length: 500 }, (_, n) => tagRead(n, station_id));
      const r = await again.ingestEvents(all);
      expect(acknowledged).toBe(500);
      expect(r).toMatchObject({ accepted: 0, duplicates: 500 });
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});
