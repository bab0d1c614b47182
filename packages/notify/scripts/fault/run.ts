// The issue-14 fault test: incidents with two-level escalations through a notify process that is
// SIGKILLed at random moments, then two replicas on one Postgres with the active one SIGKILLed. Pages
// are counted at a real HTTP pager. Used by `pnpm --filter @fieldops/notify fault-test` (full size) and
// test/fault.test.ts (reduced size in CI).
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, startPostgres, stopChild } from '@fieldops/bus/testing';
import pg from 'pg';

/** Sizes and timings of one run. */
export interface FaultTestOptions {
  incidents: number;
  /** SIGKILLs of the single process (phase 1). */
  kills?: number;
  /** Escalation delay of each level, ms. */
  delayMs?: number;
  /** Lease time, ms. */
  leaseMs?: number;
  /** Incidents arrive evenly over this many ms. */
  spreadMs?: number;
  /** Pages per second the pager channel allows. */
  rate?: number;
  /**
   * Share of the incidents held back until the standby has joined (default 0.25): they arrive after it,
   * so their escalations are still due when the active replica is killed and the takeover has work.
   */
  lateShare?: number;
  /** Give up waiting for the expected pages after this many ms past the last fault. */
  deadlineMs?: number;
  /** Each notify process's whole output goes to a file here (`<n>-<owner>.log`), when set. */
  outputDir?: string;
  /** Random source for the kill moments (tests pass a seeded one). */
  random?: () => number;
  log?: (line: string) => void;
}

/** One page as the pager received it. */
interface Page {
  to: string;
  fingerprints: string[];
  key: string;
  owner: string;
  /** The process that sent it (a restart under the same replica name is a new pid). */
  pid: number;
  at: number;
}

/** What a run found. */
export interface FaultTestReport {
  incidents: number;
  expectedPages: number;
  /** Distinct (incident, step, receiver) pages delivered. */
  delivered: number;
  missing: number;
  /** (incident, step, receiver) paged under more than one idempotency key: a real duplicate. */
  duplicates: number;
  /** Requests that repeated a key already received: the at-least-once window after a kill. */
  resentSameKey: number;
  /** Of those, repeats by the same process (a retry after a failed or timed-out attempt, no kill). */
  resentBySameProcess: number;
  /**
   * For each resend after a kill: how long before that kill the same key had last been received, ms.
   * A page received long before the kill yet resent means its outcome had not reached the store.
   */
  resentAnsweredBeforeKillMs: { p50: number; p90: number; max: number };
  requests: number;
  faults: { at_ms: number; what: string }[];
  /** Escalation lateness (page of a level minus page of the level before minus the delay), ms. */
  lateness: { p50: number; p99: number; max: number; maxAfterTakeover: number };
  /**
   * The same lateness counted from when a process could send it: where a single process's downtime
   * (SIGKILL until the restarted process is READY) overlaps a page's due time and its page, from the
   * end of that downtime. What the engine adds, apart from how fast its supervisor restarts it; a
   * takeover's wait for the lease stays in (the bound is one scheduler tick plus the lease), ms.
   */
  latenessFromReady: { p50: number; p99: number; max: number };
  /** Each SIGKILL of the single process until its restart was READY, ms. */
  downtimeMs: number[];
  /** Kill of the active replica to the first page sent by the standby, ms. */
  takeoverMs: number | undefined;
  /** Distinct pages first delivered after the active replica was killed (0 when all work was done before). */
  pagesAfterTakeover: number;
  /**
   * Work the store still held when the run ended: delivery jobs (unsent, or sent without a stored
   * answer) and escalation levels not reached by open incidents. When pages are missing and these
   * cover them, the pages were late, not lost.
   */
  pendingAtEnd: { deliveries: number; escalationLevels: number };
  seconds: number;
}

const CHILD = fileURLToPath(new URL('./notify-child.ts', import.meta.url));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Work still pending in the store: delivery jobs, and for each open incident with a level due the levels
 * of the two-level policy it has not reached yet (read from the stored JSON documents).
 */
async function pendingWork(url: string): Promise<FaultTestReport['pendingAtEnd']> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT
         count(*) FILTER (WHERE collection = 'deliveries') AS deliveries,
         coalesce(sum(2 - (value::jsonb->>'level')::int) FILTER (
           WHERE collection = 'incidents' AND value::jsonb->>'status' = 'open' AND value::jsonb ? 'next_at'), 0) AS levels
       FROM fieldops_notify.documents`,
    );
    const row = rows[0] as { deliveries: string; levels: string };
    return { deliveries: Number(row.deliveries), escalationLevels: Number(row.levels) };
  } finally {
    await client.end();
  }
}

/** Runs the fault test and reports what the pager received. */
export async function runFaultTest(options: FaultTestOptions): Promise<FaultTestReport> {
  const n = options.incidents;
  const kills = options.kills ?? 5;
  const delayMs = options.delayMs ?? 20_000;
  const leaseMs = options.leaseMs ?? 5_000;
  const spreadMs = options.spreadMs ?? Math.max(5_000, n * 6);
  const rate = options.rate ?? 500;
  const random = options.random ?? Math.random;
  const lateCount = Math.max(1, Math.floor(n * (options.lateShare ?? 0.25)));
  const split = n - lateCount;
  const lateDir = mkdtempSync(join(tmpdir(), 'notify-fault-'));
  const lateFile = join(lateDir, 'late-t0');
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const faults: FaultTestReport['faults'] = [];
  const pages: Page[] = [];

  const sink: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      try {
        pages.push({ ...(JSON.parse(body) as Omit<Page, 'at'>), at: Date.now() });
        res.writeHead(200).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;
  // Made before any server starts: a missing directory used to throw from a child's output handler,
  // killing this process and leaving the Postgres server it had started running.
  if (options.outputDir) mkdirSync(options.outputDir, { recursive: true });
  const pgServer = await startPostgres();
  const children: ChildProcess[] = [];

  const start = (owner: string, incidents: number) => {
    const { child, output } = startChildWithEnv(owner, incidents);
    children.push(child);
    const dir = options.outputDir;
    if (dir) {
      const file = join(dir, `${children.length}-${owner}.log`);
      const keep = (b: Buffer) => appendFileSync(file, b);
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
    return { child, output };
  };
  const startChildWithEnv = (owner: string, incidents: number) =>
    startChild('env', [
      `STORE=postgres:${pgServer.url}`,
      `SINK=${sinkUrl}`,
      `INCIDENTS=${incidents}`,
      `DELAY_MS=${delayMs}`,
      `LEASE_MS=${leaseMs}`,
      `OWNER=${owner}`,
      `T0=${t0 + 2_000}`,
      `SPREAD_MS=${spreadMs}`,
      `RATE=${rate}`,
      `SPLIT=${split}`,
      `LATE_FILE=${lateFile}`,
      process.execPath,
      '--import',
      'tsx',
      CHILD,
    ]);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // A kill is "at a random moment" of a running process: wait until it runs (READY), then a random time.
  const ready = async (c: { child: ChildProcess; output: () => string }, word = 'READY') => {
    const until = Date.now() + 180_000;
    while (!c.output().includes(word) && Date.now() < until) {
      if (c.child.exitCode !== null || c.child.signalCode !== null)
        throw new Error(`notify exited: ${c.output().slice(-2000)}`);
      await sleep(50);
    }
  };
  const kill = async (child: ChildProcess, what: string, output?: () => string) => {
    faults.push({ at_ms: Date.now() - t0, what });
    log(`${Date.now() - t0} ms: ${what}${output ? ` (its output: ${output().trim().slice(-300)})` : ''}`);
    const problems = (output?.() ?? '').split('\n').filter((l) => /^(WARN|ERROR) /.test(l));
    if (problems.length > 0)
      log(`  its ${problems.length} warnings/errors, last: ${problems.slice(-3).join(' | ').slice(0, 1500)}`);
    await stopChild(child, 'SIGKILL');
  };

  let takeoverMs: number | undefined;
  /** A single process's downtimes: from its SIGKILL until its restart printed READY (absolute ms). */
  const downtimes: { from: number; to: number }[] = [];
  let downSince: number | undefined;
  const upAgain = () => {
    if (downSince === undefined) return;
    downtimes.push({ from: downSince, to: Date.now() });
    downSince = undefined;
  };
  let killedActiveAt = 0;
  let pendingAtEnd = { deliveries: 0, escalationLevels: 0 };
  try {
    // Phase 1: one process, killed `kills` times at random moments over the incident stream and the
    // escalations behind it. It restarts under the same name, so it renews its own lease at once.
    let a = start('replica-a', n);
    const window = spreadMs + 2 * delayMs; // of the first `split` incidents
    const gap = window / (kills + 2);
    for (let k = 1; k <= kills; k++) {
      await ready(a);
      upAgain();
      await sleep(Math.floor(gap * (0.3 + 1.4 * random())));
      downSince = Date.now();
      await kill(a.child, `SIGKILL notify (single process) #${k}`, a.output);
      a = start('replica-a', n);
    }
    // Phase 2: a second replica joins as a standby; the active one is killed at a random moment.
    await ready(a);
    upAgain();
    // The standby takes the same stream (its ingest waits until it holds the lease), as a bus
    // redelivers to whichever replica is left.
    let b = start('replica-b', n);
    // The standby is up (store open, polling for the lease) before the active replica dies.
    await ready(b, 'STARTING');
    // Now the held-back incidents arrive; the active replica is killed once it has taken them all and
    // before the last one's first escalation is due, so both escalation levels of the last incidents
    // are still pending: the standby must send them.
    writeFileSync(lateFile, String(Date.now() + 500));
    log(`${Date.now() - t0} ms: ${lateCount} late incidents start`);
    // Under load the active replica can miss its renewals and lose the lease to the standby before the
    // kill: that is a takeover too (it exits with code 3); it is recorded as the fault then.
    const lostLease = () => a.child.exitCode !== null || a.child.signalCode !== null;
    while (!a.output().includes('INGESTED') && !lostLease()) await sleep(50);
    if (!lostLease()) await sleep(Math.floor(0.5 * delayMs * random()));
    killedActiveAt = Date.now();
    if (lostLease()) {
      faults.push({
        at_ms: Date.now() - t0,
        what: `replica-a lost the lease before the kill (exit ${a.child.exitCode})`,
      });
      log(`replica-a exited before the kill: ${a.output().trim().slice(-300)}`);
    } else await kill(a.child, 'SIGKILL the active replica (replica-b takes over)', a.output);

    const expected = 3 * n;
    const deadline = Date.now() + (options.deadlineMs ?? window + 10 * leaseMs + 120_000);
    const distinct = () => new Set(pages.map((p) => `${p.fingerprints.join(',')}|${p.to}`)).size;
    while (distinct() < expected && Date.now() < deadline) {
      await sleep(250);
      if (b.child.exitCode === 3) {
        // It lost the lease (renewals late under load): exit 3 asks its supervisor for a restart, as
        // systemd's Restart=on-failure would do. Counted as a fault of the run.
        faults.push({ at_ms: Date.now() - t0, what: 'replica-b lost the lease (exit 3): restarted' });
        log(`replica-b lost the lease, restarting: ${b.output().trim().slice(-300)}`);
        b = start('replica-b', n);
      } else if (b.child.exitCode !== null || b.child.signalCode !== null)
        throw new Error(
          `replica-b exited (${b.child.signalCode ?? b.child.exitCode}): ${b.output().slice(-2000)}`,
        );
    }
    // Anything sent twice would arrive within a few retries: wait one more delay before counting.
    await sleep(Math.min(delayMs, 10_000));
    log(`replica-b: ${b.output().trim().slice(-300)}`);
    await stopChild(b.child, 'SIGTERM', 30_000);
    pendingAtEnd = await pendingWork(pgServer.url);
  } finally {
    for (const c of children) await stopChild(c, 'SIGKILL');
    await pgServer.stop();
    await new Promise((r) => sink.close(r));
    rmSync(lateDir, { recursive: true, force: true });
  }

  // Count: one page per (incident, receiver) is expected; each receiver is one step (oncall = the
  // first notification, lead = level 1, manager = level 2).
  const byPage = new Map<string, { keys: Set<string>; first: number; requests: number }>();
  const byKeyPid = new Map<string, number>();
  for (const p of pages) {
    const kp = `${p.key}|${p.pid}`;
    byKeyPid.set(kp, (byKeyPid.get(kp) ?? 0) + 1);
    const id = `${p.fingerprints.join(',')}|${p.to}`;
    const e = byPage.get(id) ?? { keys: new Set<string>(), first: p.at, requests: 0 };
    e.keys.add(p.key);
    e.first = Math.min(e.first, p.at);
    e.requests++;
    byPage.set(id, e);
  }
  let duplicates = 0;
  let resent = 0;
  for (const e of byPage.values()) {
    if (e.keys.size > 1) duplicates += e.keys.size - 1;
    resent += e.requests - e.keys.size;
  }
  const lastByKey = new Map<string, Page>();
  const ages: number[] = [];
  const outliers: string[] = [];
  for (const p of pages) {
    const prev = lastByKey.get(p.key);
    lastByKey.set(p.key, p);
    if (!prev || prev.pid === p.pid) continue;
    const kill = faults.filter((f) => t0 + f.at_ms <= p.at).at(-1);
    if (!kill) continue;
    const age = t0 + kill.at_ms - prev.at;
    ages.push(age);
    if (age > 2_000)
      outliers.push(
        `${p.key}: ${pages
          .filter((q) => q.key === p.key)
          .map((q) => `${q.at - t0}ms pid ${q.pid}`)
          .join(', ')}; kills ${faults.map((f) => f.at_ms).join(',')}`,
      );
  }
  for (const o of outliers.slice(0, 10)) log(`resent long after it was answered: ${o}`);
  ages.sort((x, y) => x - y);
  const incidents = new Set(pages.map((p) => p.fingerprints.join(',')));
  const late: number[] = [];
  const lateAfter: number[] = [];
  const lateFromReady: number[] = [];
  /** When a process could send a page due at `due` and sent at `sent`: after any downtime between. */
  const sendableFrom = (due: number, sent: number): number => {
    let from = due;
    for (const d of downtimes) if (d.to > due && d.from < sent) from = Math.max(from, d.to);
    return from;
  };
  for (const fp of incidents) {
    const at = (to: string) => byPage.get(`${fp}|${to}`)?.first;
    const [o, l, m] = [at('oncall'), at('lead'), at('manager')];
    for (const [prev, cur] of [
      [o, l],
      [l, m],
    ] as const) {
      if (prev === undefined || cur === undefined) continue;
      const d = cur - prev - delayMs;
      late.push(d);
      lateFromReady.push(cur - sendableFrom(prev + delayMs, cur));
      if (killedActiveAt && cur >= killedActiveAt) lateAfter.push(d);
    }
  }
  late.sort((x, y) => x - y);
  lateFromReady.sort((x, y) => x - y);
  const firstFromB = pages.filter((p) => p.owner === 'replica-b').map((p) => p.at);
  if (firstFromB.length > 0 && killedActiveAt) takeoverMs = Math.min(...firstFromB) - killedActiveAt;
  const delivered = byPage.size;
  const pagesAfterTakeover = killedActiveAt
    ? [...byPage.values()].filter((e) => e.first >= killedActiveAt).length
    : 0;
  return {
    incidents: incidents.size,
    expectedPages: 3 * n,
    delivered,
    missing: Math.max(0, 3 * n - delivered),
    duplicates,
    resentSameKey: resent,
    resentBySameProcess: [...byKeyPid.values()].reduce((n, c) => n + c - 1, 0),
    resentAnsweredBeforeKillMs: { p50: quantile(ages, 0.5), p90: quantile(ages, 0.9), max: ages.at(-1) ?? 0 },
    requests: pages.length,
    faults,
    lateness: {
      p50: quantile(late, 0.5),
      p99: quantile(late, 0.99),
      max: late.at(-1) ?? 0,
      maxAfterTakeover: lateAfter.length > 0 ? Math.max(...lateAfter) : 0,
    },
    latenessFromReady: {
      p50: quantile(lateFromReady, 0.5),
      p99: quantile(lateFromReady, 0.99),
      max: lateFromReady.at(-1) ?? 0,
    },
    downtimeMs: downtimes.map((d) => d.to - d.from),
    takeoverMs,
    pagesAfterTakeover,
    pendingAtEnd,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
}
