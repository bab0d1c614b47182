// One notify process of the fault test (spawned and SIGKILLed by ../fault-test.ts). Environment:
//   STORE     pglite:<data dir> | postgres:<url>
//   SINK      http://127.0.0.1:<port> — the pager the test counts pages at
//   INCIDENTS how many incidents to ingest (a standby's ingest waits until it holds the lease)
//   DELAY_MS  delay of each escalation level; LEASE_MS lease time; OWNER replica name
//   T0, SPREAD_MS  incident j is due at T0 + j * SPREAD_MS / INCIDENTS (a steady stream, not a burst)
//   RATE      pages per second the pager channel allows
//   SPLIT, LATE_FILE  incidents from SPLIT on wait until LATE_FILE exists; it holds the time they
//             start at (they then arrive over SPREAD_MS too): work the test keeps pending for the takeover
// On each start it ingests every incident that is due again (idempotent by source + id, as a bus
// redelivering after a crash would), then the rest as they come due; prints READY when the engine
// runs and INGESTED when all were accepted.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Message } from '@fieldops/contracts/notify/v1';
import type { Channel, SendOptions, SendResult } from '../../src/channels/channel.js';
import { createNotifyEngine } from '../../src/engine.js';
import { createPgNotifyStore } from '../../src/pg.js';
import { createPgliteNotifyStore } from '../../src/pglite.js';
import type { NotifyStore } from '../../src/store/store.js';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`notify-child: ${name} is required`);
  return v;
};
const STORE = env('STORE');
const SINK = env('SINK');
const INCIDENTS = Number(env('INCIDENTS', '0'));
const DELAY_MS = Number(env('DELAY_MS', '20000'));
const LEASE_MS = Number(env('LEASE_MS', '5000'));
const OWNER = env('OWNER', `child-${process.pid}`);
const T0 = Number(env('T0', String(Date.now())));
const SPREAD_MS = Number(env('SPREAD_MS', '0'));
const RATE = Number(env('RATE', '500'));
const SPLIT = Number(env('SPLIT', String(INCIDENTS)));
const LATE_FILE = process.env.LATE_FILE;

/** A pager reached over real HTTP: it posts the page with its idempotency key. */
function sinkChannel(): Channel {
  return {
    kind: 'slack',
    ratePerSecond: RATE,
    async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
      try {
        const res = await fetch(`${SINK}/page`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            to: message.to,
            ack_code: message.ack_code,
            fingerprints: message.alert_fingerprints,
            key: options.idempotencyKey,
            owner: OWNER,
            pid: process.pid,
          }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        await res.arrayBuffer();
        return res.ok
          ? { ok: true }
          : { ok: false, retryable: true, code: `http_${res.status}`, message: 'sink refused' };
      } catch (err) {
        return { ok: false, retryable: true, code: 'network_error', message: String(err) };
      }
    },
  };
}

const receiver = (name: string) => ({
  name,
  contacts: [{ name, chain: [{ channel: 'slack' as const, to: name }] }],
});

async function openStore(): Promise<NotifyStore> {
  if (STORE.startsWith('pglite:')) return createPgliteNotifyStore({ dataDir: STORE.slice('pglite:'.length) });
  if (STORE.startsWith('postgres:'))
    return createPgNotifyStore({ connectionString: STORE.slice('postgres:'.length), max: 4 });
  throw new Error(`notify-child: STORE must be pglite:<dir> or postgres:<url>, got ${STORE}`);
}

async function main(): Promise<void> {
  const store = await openStore();
  const delay = `${DELAY_MS / 1000}s`;
  const engine = createNotifyEngine({
    config: {
      route: {
        receiver: 'oncall',
        group_by: ['incident'],
        group_wait: '1s',
        group_interval: '1h',
        repeat_interval: '24h',
        escalation: 'two-levels',
      },
      escalation_policies: [
        {
          name: 'two-levels',
          levels: [
            { delay, receivers: ['lead'] },
            { delay, receivers: ['manager'] },
          ],
        },
      ],
      receivers: [receiver('oncall'), receiver('lead'), receiver('manager')],
      channels: {
        slack: {
          webhooks: {
            oncall: { value: `${SINK}/unused` },
            lead: { value: `${SINK}/unused` },
            manager: { value: `${SINK}/unused` },
          },
        },
      },
      retry: { max_attempts: 100, base_delay: '200ms', max_delay: '2s' },
      max_alerts: 1_000_000,
    },
    store,
    channels: { slack: sinkChannel() },
    // Warnings and errors on stdout, so the runner can tell what a process saw before it died.
    logger: {
      debug: () => {},
      info: () => {},
      warn: (obj: object, msg?: string) => process.stdout.write(`WARN ${msg} ${JSON.stringify(obj)}\n`),
      error: (obj: object, msg?: string) => process.stdout.write(`ERROR ${msg} ${JSON.stringify(obj)}\n`),
    },
    lease: { owner: OWNER, ttlMs: LEASE_MS },
    onLeaseLost: (why) => {
      process.stdout.write(`LEASE LOST ${OWNER}: ${why}\n`);
      process.exit(3);
    },
  });
  process.on('SIGTERM', () => {
    void engine
      .stop()
      .then(() => store.close?.())
      .then(() => process.exit(0));
  });
  // A replica that loses its lease while busy (not dead) has had its event loop held past the lease's
  // renewals: every 2 s, the longest stall of the loop is reported when it exceeds a third of the lease.
  const stalls = monitorEventLoopDelay({ resolution: 20 });
  stalls.enable();
  setInterval(() => {
    const maxMs = stalls.max / 1e6;
    if (maxMs > LEASE_MS / 3)
      process.stdout.write(
        `WARN event loop stalled ${JSON.stringify({ max_ms: Math.round(maxMs), p99_ms: Math.round(stalls.percentile(99) / 1e6), lease_ms: LEASE_MS, at: Date.now() })}\n`,
      );
    stalls.reset();
  }, 2_000).unref();
  process.stdout.write(`STARTING ${OWNER}\n`);
  await engine.start();
  process.stdout.write(`READY ${OWNER}\n`);
  let lateT0: number | undefined;
  const lateStart = (): number | undefined => {
    if (lateT0 === undefined && LATE_FILE) {
      try {
        lateT0 = Number(readFileSync(LATE_FILE, 'utf8'));
      } catch {
        // not written yet
      }
    }
    return lateT0;
  };
  // Incident j is due at T0 + j * SPREAD_MS / SPLIT; the late ones at LATE_FILE's time + the same spacing.
  const dueAt = (j: number) => {
    if (j < SPLIT) return T0 + (SPLIT > 0 ? Math.floor((j * SPREAD_MS) / SPLIT) : 0);
    const late = lateStart();
    return late === undefined
      ? Number.POSITIVE_INFINITY
      : late + Math.floor(((j - SPLIT) * SPREAD_MS) / Math.max(1, INCIDENTS - SPLIT));
  };
  let next = 0;
  while (next < INCIDENTS) {
    const wait = dueAt(next) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 200)));
    const inputs = [];
    while (next < INCIDENTS && inputs.length < 500 && dueAt(next) <= Date.now()) {
      inputs.push({
        source: '/fault-test',
        event_id: `incident-${next}`,
        labels: { alertname: 'FaultTest', incident: `i${next}` },
        severity: 'critical' as const,
        status: 'firing' as const,
        starts_at: new Date(dueAt(next)).toISOString(),
      });
      next++;
    }
    if (inputs.length > 0) await engine.ingestBatch(inputs);
  }
  if (INCIDENTS > 0) process.stdout.write('INGESTED\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`notify-child failed: ${String(err)}\n`);
  process.exit(2);
});
