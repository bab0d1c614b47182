import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createOutbox, migrate } from '../../src/index.js';
import { createPgDatabase } from '../../src/pg.js';
import { startNats, startPostgres } from '../../src/testing.js';

/** What the fault test measured. */
export interface FaultReport {
  readonly events: number;
  readonly unique: number;
  readonly rows: number;
  readonly lost: number;
  readonly appliedTwice: number;
  /** Deliveries the bus repeated: applied on a delivery count > 1, or a copy the inbox dropped. */
  readonly redelivered: number;
  /** Rows left in the outbox at the end: every event when published rows are kept, none when deleted. */
  readonly outboxRows: number;
  readonly faults: readonly string[];
  readonly seconds: number;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function spawnWorker(file: string, args: string[]): Promise<ChildProcess> {
  const child = fork(here(file), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)));
  });
}

async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Runs the fault test with `events` events; `log` gets one line per fault. */
export async function runFaultTest(options: {
  events: number;
  log?: (line: string) => void;
  /** What the relays do with a published row (createRelay's `publishedRows`); default `keep`. */
  publishedRows?: 'keep' | 'delete';
}): Promise<FaultReport> {
  const log = options.log ?? (() => {});
  const total = options.events;
  const started = Date.now();
  const postgres = await startPostgres();
  const nats = await startNats();
  const children = new Set<ChildProcess>();
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE fault');
    await admin.end();
    const url = postgres.url.replace(/\/postgres$/, '/fault');
    const db = await createPgDatabase({ connectionString: url, max: 2 });
    await migrate(db);
    await db.query('CREATE TABLE store (source text NOT NULL, id text NOT NULL, attempt int NOT NULL)');
    await db.query('CREATE TABLE dropped_copies (attempt int NOT NULL)');
    const outbox = createOutbox({ db });

    const start = async (file: string) => {
      const child = await spawnWorker(file, [url, nats.url, options.publishedRows ?? 'keep']);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    };
    let relay = await start('relay-worker.ts');
    let consumer = await start('consumer-worker.ts');

    // Faults at fractions of the append progress, in this order.
    const plan: [number, string, () => Promise<void>][] = [
      [
        0.1,
        'relay SIGKILL 1',
        async () => {
          await sigkill(relay);
          relay = await start('relay-worker.ts');
        },
      ],
      [0.2, 'nats-server restart 1', () => nats.restart({ downMs: 1_000 })],
      [
        0.3,
        'consumer SIGKILL 1',
        async () => {
          await sigkill(consumer);
          consumer = await start('consumer-worker.ts');
        },
      ],
      [
        0.45,
        'relay SIGKILL 2',
        async () => {
          await sigkill(relay);
          relay = await start('relay-worker.ts');
        },
      ],
      [0.6, 'nats-server restart 2', () => nats.restart({ downMs: 1_000 })],
      [
        0.7,
        'consumer SIGKILL 2',
        async () => {
          await sigkill(consumer);
          consumer = await start('consumer-worker.ts');
        },
      ],
      [
        0.85,
        'relay SIGKILL 3',
        async () => {
          await sigkill(relay);
          relay = await start('relay-worker.ts');
        },
      ],
    ];
    const faults: string[] = [];
    const batch = Math.max(50, Math.min(1_000, Math.floor(total / 100)));
    for (let appended = 0; appended < total; ) {
      const n = Math.min(batch, total - appended);
      const events = Array.from({ length: n }, (_, i) => ({
        specversion: '1.0' as const,
        id: `evt-${appended + i}`,
        source: '/sites/site_fault0001/registry',
        type: 'io.fieldops.registry.device.changed.v1',
        data: { device_id: 'dev_fault0001', change: 'updated' as const, version: appended + i },
      }));
      await outbox.append(events);
      appended += n;
      while (plan.length > 0 && appended >= (plan[0]?.[0] ?? 2) * total) {
        const [, name, act] = plan.shift() as (typeof plan)[number];
        log(`fault at ${appended}/${total}: ${name}`);
        faults.push(name);
        await act();
      }
      // Keep appending at a pace that lets the faults land while events are in flight.
      await new Promise((r) => setImmediate(r));
    }

    const count = async () => {
      const { rows } = await db.query(
        'SELECT count(*)::int AS rows, count(DISTINCT id)::int AS uniq FROM store',
      );
      return rows[0] as { rows: number; uniq: number };
    };
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const c = await count();
      if (c.uniq >= total) break;
      if (c.uniq !== last) {
        last = c.uniq;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 90_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Let any late redelivery land before counting duplicates.
    await new Promise((r) => setTimeout(r, 2_000));
    const final = await count();
    const { rows: redo } = await db.query(
      'SELECT (SELECT count(*) FROM store WHERE attempt > 1)::int + (SELECT count(*) FROM dropped_copies)::int AS n',
    );
    const { rows: left } = await db.query('SELECT count(*)::int AS n FROM fieldops_bus.outbox');
    await db.close();
    return {
      events: total,
      unique: final.uniq,
      rows: final.rows,
      lost: total - final.uniq,
      appliedTwice: final.rows - final.uniq,
      redelivered: (redo[0] as { n: number }).n,
      outboxRows: (left[0] as { n: number }).n,
      faults,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const child of children) await sigkill(child);
    await nats.stop();
    await postgres.stop();
  }
}
