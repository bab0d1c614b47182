// The demo's event backbone, embedded: every event the demo's own producers raise (the ChirpStack
// health monitor) is appended to an outbox in PGlite (a file under the demo's data directory) and a
// relay delivers it to notify's HTTP ingest in CloudEvents batched mode, with back-off while notify is
// away. notify stores each source + id once, so a redelivery after a crash is harmless. The OpenClaw
// skill, a process of its own, has its own outbox (--outbox) delivering the run events the same way.
import { mkdir } from 'node:fs/promises';
import {
  type BusEvent,
  createCloudEventsHttpPublisher,
  createOutbox,
  createRelay,
  migrate,
} from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';

/** The demo's outbox and its relay to notify. */
export interface DemoOutbox {
  /** Appends the event (committed to the PGlite file before this resolves); the relay delivers it. */
  append(event: BusEvent): Promise<void>;
  /** Events appended so far. */
  readonly appended: number;
  /** Waits (up to `timeoutMs`) until the relay delivered everything, stops it, closes the database. */
  close(timeoutMs: number): Promise<{ pending: number; rejected: number }>;
}

/** Opens the outbox in `dir` and starts the relay towards `<notifyUrl>/notify/events`. */
export async function startDemoOutbox(options: {
  dir: string;
  notifyUrl: string;
  notifyToken: string;
}): Promise<DemoOutbox> {
  await mkdir(options.dir, { recursive: true });
  const db = await createPgliteDatabase({ dataDir: options.dir });
  await migrate(db);
  const outbox = createOutbox({ db });
  const relay = createRelay({
    db,
    outbox,
    pollIntervalMs: 50,
    backoff: { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'full' },
    publisher: createCloudEventsHttpPublisher({
      url: `${options.notifyUrl.replace(/\/+$/, '')}/notify/events`,
      token: options.notifyToken,
    }),
  });
  relay.start();
  let appended = 0;
  return {
    get appended() {
      return appended;
    },
    async append(event) {
      appended += (await outbox.append(event)).appended;
    },
    async close(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while ((await outbox.pendingCount()) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await relay.stop();
      const pending = await outbox.pendingCount();
      const { rows } = await db.query(
        'SELECT count(*)::int AS n FROM fieldops_bus.outbox WHERE rejected_at IS NOT NULL',
      );
      await db.close();
      return { pending, rejected: Number((rows[0] as { n: number }).n) };
    },
  };
}
