// `fieldops-notify` on the durable stores (issue 14 items 1-3): the bin is SIGKILLed while an escalation
// is pending, restarted on the same store, and the escalation page goes out once, not before its delay
// and without waiting another delay; the page sent before the kill is not sent again, also when the same
// event arrives a second time after the restart (a bus redelivering after a crash).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyProcess, postEvents, startNotify, writeConfig } from '../support/notify-process.js';
import { startSmtpServer } from '../support/smtp.js';

const API_TOKEN = 'canary-api-token-durable-5b1e';
const DB_PASSWORD_ENV = 'NOTIFY_DB_URL';
const ESCALATION_DELAY_MS = 8_000;
const LEASE = '2s';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

function config(store: unknown) {
  return {
    version: 1,
    service: {
      listen: { host: '127.0.0.1', port: 0 },
      api: { token: 'env:NOTIFY_API_TOKEN' },
      store,
      log_level: 'info',
    },
    route: {
      receiver: 'oncall',
      group_by: ['alertname'],
      group_wait: '0s',
      escalation: 'to-lead',
    },
    escalation_policies: [
      { name: 'to-lead', levels: [{ delay: `${ESCALATION_DELAY_MS / 1000}s`, receivers: ['lead'] }] },
    ],
    receivers: [
      { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'email', to: 'oncall@site.example' }] }] },
      { name: 'lead', contacts: [{ name: 'b', chain: [{ channel: 'email', to: 'lead@site.example' }] }] },
    ],
    channels: {
      email: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        ignore_tls: true,
        from: 'notify@site.example',
      },
    },
    retry: { max_attempts: 5, base_delay: '200ms', max_delay: '1s' },
  };
}

const startsAt = new Date().toISOString();
const event = (alertname: string) => ({
  source: '/test/durable-restart',
  event_id: `evt-${alertname}`,
  labels: { alertname, site: 'site-bkk-01' },
  severity: 'critical',
  status: 'firing',
  starts_at: startsAt,
});

async function post(url: string, body: unknown): Promise<number> {
  const res = await postEvents(url, API_TOKEN, body);
  await res.arrayBuffer();
  return res.status;
}

const mails = (alertname: string, to: string) =>
  smtp.received.filter((m) => m.to.includes(to) && m.raw.includes(alertname));

async function until(what: string, ok: () => boolean, p?: NotifyProcess): Promise<void> {
  while (!ok()) {
    if (p && p.child.exitCode !== null)
      throw new Error(`notify exited while waiting for ${what}: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const start = (path: string, env: Record<string, string>) =>
  startNotify(path, { NOTIFY_API_TOKEN: API_TOKEN, ...env });

async function killWhilePending(
  store: unknown,
  env: Record<string, string>,
  alertname: string,
  barrier: string,
) {
  const path = await writeConfig(config(store));
  const first = await start(path, env);
  expect(await (await fetch(`${first.url}/readyz`)).json()).toMatchObject({ status: 'ready' });
  expect(await post(first.url, event(alertname))).toBe(202);
  await until('the first page', () => mails(alertname, 'oncall@site.example').length > 0, first.p);
  const firstPageAt = Date.now();
  await first.p.waitForLine((l) => l.operation === 'deliver' && l.outcome === 'sent', 'deliver sent');
  // An ingest is answered once it is committed, and commits go in order: after this 202 the outcome of
  // the page above is in the store too (so the kill below falls in the pending escalation only).
  expect(await post(first.url, event(barrier))).toBe(202);
  expect(mails(alertname, 'lead@site.example')).toHaveLength(0);
  first.p.child.kill('SIGKILL');
  await first.p.exited;

  const second = await start(path, env);
  // The same event again, as a bus redelivers after a crash: no second page, no restarted timer.
  expect(await post(second.url, event(alertname))).toBe(202);
  await until('the escalation page', () => mails(alertname, 'lead@site.example').length > 0, second.p);
  const escalatedAt = Date.now();
  // Anything sent twice would come within the retry delays: wait a few of them before counting.
  await new Promise((r) => setTimeout(r, 3_000));
  second.p.child.kill('SIGTERM');
  expect(await second.p.exited).toBe(0);
  return {
    firstPageAt,
    escalatedAt,
    secondReadyAt: second.readyAt,
    logs: second.p.stdout() + second.p.stderr(),
  };
}

describe('fieldops-notify on the durable stores: SIGKILL while an escalation is pending', () => {
  it('pglite (the embedded default): the escalation page is sent once and on time after the restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-pglite-'));
    const r = await killWhilePending(
      { kind: 'pglite', path: join(dir, 'data') },
      {},
      'PgliteKilled',
      'FenceOne',
    );
    expect(mails('PgliteKilled', 'oncall@site.example')).toHaveLength(1);
    expect(mails('PgliteKilled', 'lead@site.example')).toHaveLength(1);
    // Not before its delay (the timer was not restarted by the redelivered event either: then it
    // would come a whole delay after the restart), and due work resumes on the restart itself.
    expect(r.escalatedAt - r.firstPageAt).toBeGreaterThanOrEqual(ESCALATION_DELAY_MS - 3_000);
    const due = r.firstPageAt + ESCALATION_DELAY_MS;
    expect(r.escalatedAt - Math.max(due, r.secondReadyAt)).toBeLessThan(ESCALATION_DELAY_MS);
  }, 600_000);

  describe.skipIf(missingServer('postgres'))('postgres', () => {
    let pgServer: TestServer;
    beforeAll(async () => {
      pgServer = await startPostgres();
    }, 300_000);
    afterAll(() => pgServer?.stop());

    it('postgres (URL via SecretRef): the escalation page is sent once, within the lease time of the restart', async () => {
      const r = await killWhilePending(
        { kind: 'postgres', url: `env:${DB_PASSWORD_ENV}`, lease: LEASE },
        { [DB_PASSWORD_ENV]: pgServer.url },
        'PostgresKilled',
        'FenceTwo',
      );
      expect(mails('PostgresKilled', 'oncall@site.example')).toHaveLength(1);
      expect(mails('PostgresKilled', 'lead@site.example')).toHaveLength(1);
      expect(r.escalatedAt - r.firstPageAt).toBeGreaterThanOrEqual(ESCALATION_DELAY_MS - 3_000);
      const due = r.firstPageAt + ESCALATION_DELAY_MS;
      expect(r.escalatedAt - Math.max(due, r.secondReadyAt)).toBeLessThan(ESCALATION_DELAY_MS);
      // The connection string (it holds the password) never reaches a log line.
      expect(r.logs).not.toContain(pgServer.url);
    }, 600_000);
  });
});
