import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createMemoryRfidBackend, createRfidHandler, serveFetchHandler } from '../../src/rfid/index.js';
import { STATION } from './fixtures.js';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./station.fixture.ts', import.meta.url));

/** Runs the station until `stop(line)` says so (then SIGKILLs it) or it exits. */
function runStation(args: string[], stop: (line: string) => boolean): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: pkg,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    let killed = false;
    let done = false;
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'done') done = true;
        if (!killed && stop(l)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code) => {
      if (killed) resolve('killed');
      else if (done && code === 0) resolve('done');
      else reject(new Error(`station exited with ${code}`));
    });
  });
}

it('a station SIGKILLed while delivering resumes; the backend stores every event once, in order', async () => {
  const backend = createMemoryRfidBackend({ stations: [STATION] });
  const served = await serveFetchHandler(createRfidHandler({ backend }), { port: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'fieldops-station-'));
  try {
    const total = 3000;
    const first = await runStation([served.url, dir, String(total)], (l) => l === 'produced 1500');
    expect(first).toBe('killed');
    const storedAtKill = backend.counts().stored;
    expect(storedAtKill).toBeLessThan(total);
    expect(await runStation([served.url, dir, String(total)], () => false)).toBe('done');
    const seqs = backend.events().map((e) => e.seq);
    expect(seqs).toEqual([...Array(total).keys()]);
  } finally {
    await served.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
