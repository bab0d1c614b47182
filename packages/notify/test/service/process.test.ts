// `fieldops-notify` as a process (issue 14 item 3): probes, the HTTP API, structured log lines without
// secrets, and SIGTERM that finishes a delivery in flight (bounded by service.shutdown_timeout).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyProcess, postEvents, startNotify, writeConfig } from '../support/notify-process.js';
import { startSmtpServer } from '../support/smtp.js';

const API_TOKEN = 'canary-api-token-7f3a9c';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

function config(shutdown: string) {
  return {
    version: 1,
    service: {
      listen: { host: '127.0.0.1', port: 0 },
      api: { token: 'env:NOTIFY_API_TOKEN' },
      store: { kind: 'memory' },
      shutdown_timeout: shutdown,
      log_level: 'info',
    },
    route: { receiver: 'oncall', group_by: ['alertname'], group_wait: '0s' },
    receivers: [
      { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'email', to: 'oncall@site.example' }] }] },
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
    retry: { max_attempts: 1 },
  };
}

async function started(shutdown = '30s'): Promise<{ p: NotifyProcess; url: string }> {
  return startNotify(await writeConfig(config(shutdown)), { NOTIFY_API_TOKEN: API_TOKEN });
}

function alert(name: string) {
  return {
    labels: { alertname: name, site: 'site-bkk-01' },
    severity: 'critical',
    status: 'firing',
    starts_at: new Date().toISOString(),
  };
}

const post = (url: string, body: unknown) => postEvents(url, API_TOKEN, body);

describe('fieldops-notify, the process', () => {
  it('serves /healthz and /readyz, takes events on the API, and logs JSON lines without secrets', async () => {
    const { p, url } = await started();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { config: true, store: true, bus: true } });
    expect((await fetch(`${url}/notify/events`, { method: 'POST', body: '[]' })).status).toBe(401);
    expect((await post(url, alert('ServiceProbe'))).status).toBe(202);
    // Prometheus' alertmanager_config points at the root: /api/v2/alerts.
    const am = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify([{ labels: { alertname: 'FromPrometheus', severity: 'critical' } }]),
    });
    expect(am.status).toBe(200);
    while (smtp.received.filter((m) => /FromPrometheus|ServiceProbe/.test(m.raw)).length < 2) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(smtp.received.some((m) => m.to.includes('oncall@site.example'))).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.lines.length).toBeGreaterThan(2);
    for (const line of p.lines) {
      expect(line).not.toHaveProperty('not_json');
      expect(typeof line.level).toBe('number');
      expect(typeof line.time).toBe('number');
    }
    expect(p.stdout() + p.stderr()).not.toContain(API_TOKEN);
  });

  it('on SIGTERM finishes the delivery in flight before exiting; /readyz says stopping meanwhile', async () => {
    const { p, url } = await started('60s');
    const before = smtp.held();
    await smtp.setMode('hold');
    expect((await post(url, alert('InFlightAtShutdown'))).status).toBe(202);
    while (smtp.held() === before) await new Promise((r) => setTimeout(r, 25));
    p.child.kill('SIGTERM');
    await p.waitForLine((l) => l.msg === 'notify stopping', 'stopping');
    const probe = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 'closed' as const,
    );
    expect([503, 'closed']).toContain(probe);
    await smtp.setMode('ok');
    smtp.release();
    expect(await p.exited).toBe(0);
    const sent = p.lines.find((l) => l.operation === 'deliver' && l.correlation_id !== undefined);
    expect(sent?.outcome).toBe('sent');
    expect(p.lines.find((l) => l.msg === 'notify stopped')?.outcome).toBe('drained');
  });

  it('the wait is bounded: a delivery that never finishes is aborted after shutdown_timeout', async () => {
    const { p, url } = await started('300ms');
    const before = smtp.held();
    await smtp.setMode('hold');
    expect((await post(url, alert('StuckAtShutdown'))).status).toBe(202);
    while (smtp.held() === before) await new Promise((r) => setTimeout(r, 25));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.lines.find((l) => l.msg === 'notify stopped')?.outcome).toBe('timed_out');
    await smtp.setMode('ok');
    smtp.release();
  });
});
