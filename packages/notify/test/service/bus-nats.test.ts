// `fieldops-notify` with `bus.kind: nats` (issue 14 item 3, issue 13's notify consumer): the real bin as
// a JetStream durable consumer through @fieldops/bus, on a real nats-server. An event published while
// notify is down (SIGKILLed) is paged after it comes back; an event delivered twice pages once.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusEvent, encodeEvent, subjectForType } from '@fieldops/bus';
import { createJetStreamBus, type JetStreamBus } from '@fieldops/bus/nats';
import { missingServer, type RestartableServer, startNats } from '@fieldops/bus/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEvent } from '../support/helpers.js';
import { spawnNotify, writeConfig } from '../support/notify-process.js';
import { startSmtpServer } from '../support/smtp.js';

const API_TOKEN = 'canary-api-token-nats-41c2';
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let nats: RestartableServer;
let bus: JetStreamBus;

describe.skipIf(missingServer('nats'))('fieldops-notify consuming from NATS JetStream', () => {
  beforeAll(async () => {
    smtp = await startSmtpServer();
    nats = await startNats();
    bus = await createJetStreamBus({ servers: nats.url, name: 'test-publisher' });
  }, 120_000);
  afterAll(async () => {
    await bus?.close();
    await nats?.stop();
    await smtp?.close();
  });

  /** Publishes `event`; `msgId` differs from the event's dedup id to get past JetStream's duplicate window (a redelivery). */
  async function publish(event: BusEvent, msgId = `${event.source} ${event.id}`): Promise<void> {
    const [outcome] = await bus.publisher.publishBatch([
      { subject: subjectForType(event.type), id: msgId, data: encodeEvent(event), headers: {} },
    ]);
    expect(outcome?.ok).toBe(true);
  }

  const mailsAbout = (gatewayName: string) =>
    smtp.received.filter((m) => m.to.includes('oncall@site.example') && m.raw.includes(gatewayName));

  async function until(what: string, ok: () => boolean, exited: () => boolean): Promise<void> {
    while (!ok()) {
      if (exited()) throw new Error(`notify exited while waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('pages what arrives on the bus once, keeps its position across a SIGKILL, and pages a redelivery once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-nats-'));
    const path = await writeConfig({
      version: 1,
      service: {
        listen: { host: '127.0.0.1', port: 0 },
        api: { token: 'env:NOTIFY_API_TOKEN' },
        store: { kind: 'pglite', path: join(dir, 'data') },
        bus: { kind: 'nats', servers: [nats.url], durable: 'notify-test' },
        log_level: 'info',
      },
      route: { receiver: 'oncall', group_by: ['alertname', 'gateway_eui'], group_wait: '0s' },
      receivers: [
        {
          name: 'oncall',
          contacts: [{ name: 'a', chain: [{ channel: 'email', to: 'oncall@site.example' }] }],
        },
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
    });
    const start = async () => {
      const p = spawnNotify(['--config', path], { NOTIFY_API_TOKEN: API_TOKEN });
      const ready = await p.waitForLine((l) => l.msg === 'notify ready', 'notify ready');
      expect(String(ready.bus)).toContain('durable notify-test');
      return { p, url: String(ready.url) };
    };

    const { p: first, url } = await start();
    const one = gatewayEvent('offline', '0016c001ff10a001');
    await publish(one);
    await until(
      'the page of the first event',
      () => mailsAbout('gw-a001').length > 0,
      () => first.child.exitCode !== null,
    );
    await first.waitForLine((l) => l.operation === 'deliver' && l.outcome === 'sent', 'deliver sent');
    // An ingest is answered once committed, and commits go in order: after this 202 the page's outcome
    // is in the store, so the kill below is not in the at-least-once window of that page (see README).
    const fence = await fetch(`${url}/notify/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify({
        source: '/test/fence',
        event_id: 'fence-1',
        labels: { alertname: 'Fence' },
        severity: 'info',
        status: 'firing',
        starts_at: new Date().toISOString(),
      }),
    });
    expect(fence.status).toBe(202);

    first.child.kill('SIGKILL');
    await first.exited;
    // Published while notify is down: the durable consumer keeps it for the next process.
    const two = gatewayEvent('offline', '0016c001ff10a002');
    await publish(two);
    // The first event again under another message id: JetStream delivers it; notify must not page again.
    await publish(one, `redelivered ${one.id}`);

    const { p: second } = await start();
    await until(
      'the page of the event published while down',
      () => mailsAbout('gw-a002').length > 0,
      () => second.child.exitCode !== null,
    );
    // Duplicates would come within the retry delays; give them a moment before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(mailsAbout('gw-a001')).toHaveLength(1);
    expect(mailsAbout('gw-a002')).toHaveLength(1);
  }, 600_000);
});
