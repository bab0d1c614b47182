// Run events (io.fieldops.automation.run.*.v1) go through an embedded outbox: PGlite in a data
// directory, a relay delivering to the notifications engine's HTTP ingest (CloudEvents batched mode).
// An event is on disk before the run goes on; a notify outage only delays it: what is not delivered
// when the skill ends stays in the outbox and the next run's relay delivers it.
import { mkdir } from 'node:fs/promises';
import {
  type BusEvent,
  createCloudEventsHttpPublisher,
  createOutbox,
  createRelay,
  migrate,
  type Outbox,
  type Relay,
  type SqlDatabase,
} from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import type { EventSink } from '@fieldops/sdk/automation';

/** The skill's outbox: a sink for the runner and a flush before exit. */
export interface RunEventOutbox {
  readonly sink: EventSink;
  /** Waits (up to `timeoutMs`) for the relay to deliver, stops it and closes the database. */
  close(timeoutMs: number): Promise<{ appended: number; pending: number; rejected: number }>;
}

/** Opens the outbox in `dir` and starts its relay towards `<notifyUrl>/notify/events`. */
export async function openRunEventOutbox(options: {
  dir: string;
  notifyUrl: string;
  notifyToken?: string | undefined;
  warn: (text: string) => void;
}): Promise<RunEventOutbox> {
  await mkdir(options.dir, { recursive: true });
  const db: SqlDatabase = await createPgliteDatabase({ dataDir: options.dir });
  await migrate(db);
  const outbox: Outbox = createOutbox({ db });
  const relay: Relay = createRelay({
    db,
    outbox,
    pollIntervalMs: 50,
    backoff: { baseDelayMs: 100, maxDelayMs: 2_000, jitter: 'full' },
    publisher: createCloudEventsHttpPublisher({
      url: `${options.notifyUrl.replace(/\/+$/, '')}/notify/events`,
      ...(options.notifyToken ? { token: options.notifyToken } : {}),
    }),
    logger: {
      debug() {},
      info() {},
      warn: (o) => options.warn(`outbox relay: ${String((o as { err?: unknown }).err ?? 'publish failed')}`),
      error: (o) => options.warn(`outbox relay: ${String((o as { err?: unknown }).err ?? 'error')}`),
    },
  });
  relay.start();
  let appended = 0;
  return {
    sink: {
      async emit(event) {
        // The outbox validates every event against the contracts before it writes it.
        appended += (await outbox.append(event as BusEvent)).appended;
      },
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
      return { appended, pending, rejected: Number((rows[0] as { n: number }).n) };
    },
  };
}
