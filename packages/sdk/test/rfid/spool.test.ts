import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { rfid } from '@fieldops/contracts';
import { RFID_API } from '@fieldops/contracts/rfid/v1';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryRfidBackend,
  createRfidClient,
  createRfidHandler,
  createSpoolForwarder,
  openSpool,
  type Spool,
  SpoolFullError,
  serveFetchHandler,
} from '../../src/rfid/index.js';
import { withFaults } from '../../src/testing/index.js';
import { STATION, tagReads } from './fixtures.js';

const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'fieldops-spool-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function drain<T>(spool: Spool<T>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const b = await spool.peek(1000, 10 * 1024 * 1024);
    if (!b.records.length) return out;
    out.push(...b.records);
    await spool.ack(b.end);
  }
}

describe('spool', { timeout: 30_000 }, () => {
  it('keeps order across segments and reclaims delivered segments', async () => {
    const dir = await tempDir();
    const spool = await openSpool<{ n: number }>({ dir, segmentBytes: 256 });
    await Promise.all(Array.from({ length: 50 }, (_, n) => spool.append({ n })));
    expect(spool.stats().segments).toBeGreaterThan(3);
    const head = await spool.peek(10);
    expect(head.records.map((r) => r.n)).toEqual([...Array(10).keys()]);
    // peek does not remove
    expect((await spool.peek(10)).records).toEqual(head.records);
    await spool.ack(head.end);
    const rest = await drain(spool);
    expect(rest.map((r) => r.n)).toEqual([...Array(40).keys()].map((i) => i + 10));
    const files = (await readdir(dir)).filter((f) => f.startsWith('seg-'));
    expect(files).toHaveLength(1); // only the newest segment stays
    expect(spool.stats().pendingBytes).toBe(0);
    await spool.close();
  });

  it('shares one fdatasync among concurrent appends (group commit), one each without it', async () => {
    const grouped = await openSpool<{ n: number }>({ dir: await tempDir() });
    await Promise.all(Array.from({ length: 100 }, (_, n) => grouped.append({ n })));
    expect(grouped.stats().appended).toBe(100);
    expect(grouped.stats().syncs).toBeLessThan(10);
    await grouped.close();
    const single = await openSpool<{ n: number }>({ dir: await tempDir(), groupCommit: false });
    await Promise.all(Array.from({ length: 20 }, (_, n) => single.append({ n })));
    expect(single.stats().syncs).toBe(20);
    expect((await drain(single)).map((r) => r.n)).toEqual([...Array(20).keys()]);
    await single.close();
  });

  it('refuses appends past maxBytes with SpoolFullError, and accepts again once delivered', async () => {
    const dir = await tempDir();
    const spool = await openSpool<{ n: number; pad: string }>({ dir, maxBytes: 2000 });
    const pad = 'y'.repeat(100);
    let n = 0;
    let error: unknown;
    try {
      for (; n < 100; n++) await spool.append({ n, pad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpoolFullError);
    expect((error as SpoolFullError).code).toBe('spool_full');
    expect((error as Error).message).toMatch(
      /@fieldops\/sdk: rfid spool: full: \d+ of 2000 bytes undelivered/,
    );
    expect(n).toBeGreaterThan(5);
    await drain(spool);
    await spool.append({ n, pad });
    expect((await drain(spool)).map((r) => r.n)).toEqual([n]);
    await spool.close();
  });

  it('cuts a torn tail on open and remembers the last record and the cursor across restarts', async () => {
    const dir = await tempDir();
    let spool = await openSpool<{ n: number }>({ dir });
    for (let n = 0; n < 5; n++) await spool.append({ n });
    const first = await spool.peek(2);
    await spool.ack(first.end);
    await spool.close();
    const seg = (await readdir(dir)).find((f) => f.startsWith('seg-'))!;
    await appendFile(join(dir, seg), Buffer.from([42, 0, 0, 0, 1, 2, 3])); // half a record
    spool = await openSpool<{ n: number }>({ dir });
    expect(await spool.lastRecord()).toEqual({ n: 4 });
    await spool.append({ n: 5 });
    expect((await drain(spool)).map((r) => r.n)).toEqual([2, 3, 4, 5]);
    await spool.close();
    spool = await openSpool<{ n: number }>({ dir });
    expect(await spool.lastRecord()).toEqual({ n: 5 }); // everything delivered, the last record still known
    expect((await spool.peek(10)).records).toEqual([]);
    await spool.close();
  });

  it('refuses a second open of the same directory', async () => {
    const dir = await tempDir();
    const spool = await openSpool({ dir });
    await expect(openSpool({ dir })).rejects.toMatchObject({ code: 'spool_locked' });
    await spool.close();
  });

  it('survives SIGKILL: every acknowledged append is on disk, in order, without gaps', async () => {
    const dir = await tempDir();
    const script = fileURLToPath(new URL('./spool-writer.fixture.ts', import.meta.url));
    const pkg = fileURLToPath(new URL('../..', import.meta.url));
    let acked = -1;
    for (let round = 0; round < 2; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
        cwd: pkg,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((r) => child.once('exit', r));
      const target = acked + 300;
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) {
            const m = /^ack (\d+)$/.exec(l);
            if (m) acked = Math.max(acked, Number(m[1]));
          }
          if (acked >= target) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code, signal) => {
          if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}`));
        });
      });
      await exited;
      const spool = await openSpool<{ n: number }>({ dir });
      const records = (await spool.peek(1_000_000, 1 << 30)).records.map((r) => r.n);
      await spool.close();
      // ordered, contiguous from 0, and nothing acknowledged is missing
      expect(records[0]).toBe(0);
      expect(records.every((n, i) => n === i)).toBe(true);
      expect(records.length).toBeGreaterThan(acked);
    }
  }, 60_000);

  it('delivers in order through server 5xx, 429 and dropped connections', async () => {
    const backend = createMemoryRfidBackend({ stations: [STATION] });
    const { handler, faults } = withFaults(RFID_API, createRfidHandler({ backend }));
    const served = await serveFetchHandler(handler, { port: 0 });
    const spool = await openSpool<rfid.RfidEvent>({ dir: await tempDir() });
    const client = createRfidClient({ baseUrl: served.url, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const forwarder = createSpoolForwarder({
      spool,
      send: (events) => client.ingestBatch(events),
      maxBatch: 40,
      backoffMs: 1,
      idleMs: 5,
    });
    try {
      const events = tagReads(500);
      faults.set('ingestEvents', { status: 503, times: 3 });
      forwarder.start();
      await spool.appendMany(events.slice(0, 200));
      faults.set('ingestEvents', { drop: true, times: 3 });
      await spool.appendMany(events.slice(200, 400));
      faults.set('ingestEvents', { status: 429, retryAfterS: 0, times: 2 });
      await spool.appendMany(events.slice(400));
      const done = forwarder.drained();
      await done;
      // drained() may resolve on an empty peek before the last append landed: wait for the count
      while (backend.counts().stored < 500) await forwarder.drained();
      await forwarder.stop();
      expect(backend.events().map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
      expect(forwarder.stats.failures).toBeGreaterThan(0);
    } finally {
      await forwarder.stop();
      await spool.close();
      await served.close();
    }
  });
});
