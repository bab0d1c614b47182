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
      const results = JSON.parse(stdout) as { name: string; status: 'pass' | 'fail' | 'skip' }[];
      const failed = results.filter((r) => r.status !== 'pass');
      expect(failed).toEqual([]);
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
