// Kill test for the registry's transactional outbox: a process writing devices through the SQL registry
// store and relaying their io.fieldops.registry.device.changed.v1 events over HTTP is SIGKILLed three
// times at random moments (with committed events not yet published), then runs to the end. Every
// committed write must reach the receiver (0 lost) and nothing else may (0 invented), on PGlite and Postgres.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from '@fieldops/bus';
import { createPgDatabase } from '@fieldops/bus/pg';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { missingServer, startPostgres } from '@fieldops/bus/testing';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const writer = join(here, 'sql-store-writer.fixture.ts');
const missing = process.env.FIELDOPS_CI === '1' ? undefined : missingServer('postgres');

/** An HTTP receiver as notify's ingest answers it: stores every event of a batch, counts copies. */
async function startReceiver() {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: string } | { id: string }[];
      for (const e of Array.isArray(parsed) ? parsed : [parsed])
        received.set(e.id, (received.get(e.id) ?? 0) + 1);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    close: () => new Promise((r) => server.close(r)),
  };
}

function run(env: Record<string, string>): {
  child: ChildProcess;
  writes: () => number;
  done: Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', writer], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let writes = 0;
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    const m = out.match(/wrote (\d+)\n(?![\s\S]*wrote)/);
    if (m) writes = Number(m[1]);
    out = out.slice(-4096);
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4096)));
  const done = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) =>
      resolve(`${signal ?? code} ${out.includes('drained') ? 'drained' : ''} ${err}`),
    ),
  );
  return { child, writes: () => writes, done };
}

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && missing !== undefined)(
    `registry outbox kill test on ${kind}`,
    () => {
      it('SIGKILLed 3 times between writes and publishes: every committed write published, none invented', {
        timeout: 600_000,
      }, async () => {
        const receiver = await startReceiver();
        const dir = mkdtempSync(join(tmpdir(), 'fieldops-registry-kill-'));
        const postgres = kind === 'postgres' ? await startPostgres() : undefined;
        const target = postgres?.url ?? join(dir, 'pglite');
        const open = (): Promise<SqlDatabase> =>
          postgres
            ? createPgDatabase({ connectionString: postgres.url, max: 2 })
            : createPgliteDatabase({ dataDir: target });
        try {
          const env = { KIND: kind, DB: target, RECEIVER: receiver.url };
          let pendingAtKills = 0;
          for (let round = 0; round < 3; round++) {
            const w = run(env);
            const at = 20 + Math.floor(Math.random() * 120);
            await until(() => w.writes() >= at || w.child.exitCode !== null, 240_000, `${at} writes`);
            await new Promise((r) => setTimeout(r, Math.random() * 30));
            w.child.kill('SIGKILL');
            expect(await w.done).toMatch(/^SIGKILL/);
            const db = await open();
            const { rows } = await db.query(
              'SELECT count(*)::int AS n FROM fieldops_bus.outbox WHERE published_at IS NULL',
            );
            pendingAtKills += (rows[0] as { n: number }).n;
            await db.close();
          }
          const last = run({ ...env, STOP_AFTER: '60' });
          expect(await last.done).toMatch(/^0 drained/);

          const db = await open();
          const { rows } = await db.query('SELECT device_id, revision FROM fieldops_registry.devices');
          const committed = (rows as { device_id: string; revision: number }[]).flatMap((r) =>
            Array.from({ length: r.revision }, (_, i) => `${r.device_id}@"r${i + 1}"`),
          );
          const { rows: outboxRows } = await db.query('SELECT id, published_at FROM fieldops_bus.outbox');
          await db.close();
          const delivered = [...receiver.received.keys()];
          const lost = committed.filter((id) => !receiver.received.has(id));
          const invented = delivered.filter((id) => !committed.includes(id));
          const copies = [...receiver.received.values()].reduce((a, n) => a + n - 1, 0);
          console.log(
            `registry kill test (${kind}): ${committed.length} committed writes, ${delivered.length} delivered, ` +
              `${lost.length} lost, ${invented.length} invented, ${copies} redelivered copies, ${pendingAtKills} unpublished at the kills`,
          );
          expect(committed.length).toBeGreaterThan(60);
          // The kills landed between a write's commit and its publish at least once.
          expect(pendingAtKills).toBeGreaterThan(0);
          expect(lost).toEqual([]);
          expect(invented).toEqual([]);
          expect(outboxRows).toHaveLength(committed.length);
        } finally {
          await receiver.close();
          await postgres?.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    },
  );
}
