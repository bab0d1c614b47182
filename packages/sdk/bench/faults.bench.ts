// (c) Faults: a station ingests 100,000 events while the backend is SIGKILLed and restarted 5
// times and the station process itself is SIGKILLed once and restarted. Counts what the backend
// stored: every event exactly once (duplicates collapsed), none lost.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const TOTAL = 100_000;
const RATE = 10_000; // events/s produced by the station
const SERVER_KILLS_AT = [0.1, 0.25, 0.4, 0.6, 0.8];
const CLIENT_KILL_AT = 0.5;
const pkg = fileURLToPath(new URL('..', import.meta.url));
const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function start(
  file: string,
  args: string[],
  onLine: (line: string) => void,
): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script(file), ...args], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exit };
}

export default async function faultsBench(): Promise<void> {
  const data = await mkdtemp(join(tmpdir(), 'fieldops-faults-'));
  const spoolDir = join(data, 'spool');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  let produced = 0;
  let serverKills = 0;
  let clientKills = 0;

  const startServer = async () => {
    let ready!: () => void;
    const listening = new Promise<void>((r) => {
      ready = r;
    });
    const s = start('./faults-server.ts', [String(port), data], (l) => l.startsWith('listening') && ready());
    await listening;
    return s;
  };
  let server = await startServer();
  let done = false;
  const onClientLine = (l: string) => {
    const m = /^produced (\d+)$/.exec(l);
    if (m) produced = Number(m[1]);
    if (l.startsWith('done')) done = true;
  };
  let client = start('./faults-client.ts', [baseUrl, spoolDir, String(TOTAL), String(RATE)], onClientLine);

  try {
    // Chaos: kill the server at the planned points, the client once; restart each.
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      const progress = produced / TOTAL;
      if (serverKills < SERVER_KILLS_AT.length && progress >= SERVER_KILLS_AT[serverKills]!) {
        server.child.kill('SIGKILL');
        await server.exit;
        serverKills += 1;
        await new Promise((r) => setTimeout(r, 300)); // the backend is down for a while
        server = await startServer();
      }
      if (clientKills === 0 && progress >= CLIENT_KILL_AT) {
        client.child.kill('SIGKILL');
        await client.exit;
        clientKills += 1;
        client = start('./faults-client.ts', [baseUrl, spoolDir, String(TOTAL), String(RATE)], onClientLine);
      }
      if (client.child.exitCode !== null && !done)
        throw new Error(`the station exited with ${client.child.exitCode}`);
    }
    await client.exit;
  } finally {
    client.child.kill('SIGKILL');
    server.child.kill('SIGTERM');
    await server.exit;
  }
  const seconds = (performance.now() - t0) / 1000;

  const lines = (await readFile(join(data, 'events.log'), 'utf8')).split('\n').filter(Boolean);
  const unique = new Set(lines);
  let dupByEvent = 0;
  let replayed = 0;
  for (const l of (await readFile(join(data, 'counts.log'), 'utf8').catch(() => '')).split('\n')) {
    const [kind, n] = l.split(' ');
    if (kind === 'dup') dupByEvent += Number(n);
    if (kind === 'replay') replayed += Number(n);
  }
  // Delivery is ordered: the events were first stored in the order the station read them.
  let outOfOrder = 0;
  let previous = -1;
  for (const l of lines) {
    const n = Number(l.slice(l.lastIndexOf('-') + 1));
    if (n < previous) outOfOrder += 1;
    previous = n;
  }
  let lost = 0;
  for (let i = 0; i < TOTAL; i++) {
    if (!unique.has(`stn_benchfaults01 evt-${String(i).padStart(8, '0')}`)) lost += 1;
  }
  await rm(data, { recursive: true, force: true });

  console.log(
    `events produced         : ${TOTAL.toLocaleString('en-US')} (station SIGKILLed ${clientKills}x, backend SIGKILLed ${serverKills}x)`,
  );
  console.log(
    `unique events stored    : ${unique.size.toLocaleString('en-US')} (rows written ${lines.length.toLocaleString('en-US')})`,
  );
  console.log(
    `duplicates collapsed    : ${(dupByEvent + replayed).toLocaleString('en-US')} (${dupByEvent} by event id, ${replayed} in replayed batches)`,
  );
  console.log(`events lost             : ${lost}`);
  console.log(`stored out of order     : ${outOfOrder}`);
  console.log(`wall time               : ${seconds.toFixed(1)} s`);
  if (unique.size !== TOTAL || lost !== 0 || lines.length !== unique.size || outOfOrder !== 0) {
    process.exitCode = 1;
    console.log('FAILED: expected every event stored exactly once');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await faultsBench();
