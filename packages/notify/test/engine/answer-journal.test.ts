// A provider's answer is stored the moment it arrives, ahead of the serial queue (decision 0052). The
// fault test under load (README, "Fault test") found pages answered seconds before a SIGKILL sent
// again after the restart: the answer waited for its turn on the queue (up to 6.4 s behind a backlog,
// measured) before its write. Here the queue is held by a large ingestBatch while a send is answered;
// the store is copied at that moment (what a killed process leaves behind) and a new engine starts
// on the copy.
import type { Message } from '@fieldops/contracts/notify/v1';
import { describe, expect, it, vi } from 'vitest';
import type { DeliveryJob } from '../../src/model.js';
import type { Incident } from '../../src/stages/escalate.js';
import { MemoryNotifyStore } from '../../src/store/memory-store.js';
import type { StoreCollection } from '../../src/store/store.js';
import { STORE_COLLECTIONS } from '../../src/store/store.js';
import { baseConfig, engineWithRecorders, recordingChannel } from '../support/helpers.js';

/** What a process killed now would leave in its store: a copy of every stored document. */
async function copyOf(store: MemoryNotifyStore): Promise<MemoryNotifyStore> {
  const copy = new MemoryNotifyStore();
  for (const c of STORE_COLLECTIONS as readonly StoreCollection[]) {
    const writes = store.entries(c).map(([key, value]) => ({ collection: c, key, value: value as string }));
    if (writes.length > 0) await copy.write(writes);
  }
  return copy;
}

const alert = (i: number, site = 'site_a', alertname = 'GatewayOffline') => ({
  labels: { alertname, site, gateway_id: `gw_${i}` },
  severity: 'critical' as const,
  status: 'firing' as const,
  starts_at: new Date().toISOString(),
});

/**
 * Runs an engine until a page's answer is in its store while the outcome waits on a queue held by a
 * large batch, and returns a copy of the store taken then (what a process killed at that moment leaves).
 */
async function answeredButNotApplied() {
  const store = new MemoryNotifyStore();
  // The alerts that hold the queue wait an hour in their groups: they page nobody during the test.
  const config = baseConfig({
    route: {
      receiver: 'oncall',
      group_wait: '0s',
      group_by: ['site'],
      routes: [{ matchers: ['alertname="Filler"'], receiver: 'lead', group_wait: '1h' }],
    },
  });
  let queueHeld: Promise<unknown> | undefined;
  // The first page's send starts a long batch on the queue, then answers: the outcome queues behind it.
  const whatsapp = recordingChannel('whatsapp', {
    async send(m: Message) {
      whatsapp.sent.push(m);
      if (!queueHeld)
        queueHeld = a.engine.ingestBatch(
          Array.from({ length: 30_000 }, (_, i) => alert(i + 1, `site_b${i}`, 'Filler')),
        );
      await new Promise((r) => setTimeout(r, 20));
      return { ok: true as const, provider_message_id: 'wamid.answered-1' };
    },
  });
  const a = engineWithRecorders(config, { store, channels: { whatsapp } as never });
  await a.engine.start();
  const first = await a.engine.ingest(alert(0));
  const fingerprint = first.kind === 'alert' ? first.fingerprint : '';

  // Wait until the store holds the answer while the job is not yet settled (its outcome is queued).
  let dead: MemoryNotifyStore | undefined;
  const deadline = Date.now() + 20_000;
  while (!dead && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2));
    const jobs = await store.list<DeliveryJob>('deliveries');
    const answered = jobs.find((j) => j.answered !== undefined);
    if (answered) {
      expect(answered.answered).toMatchObject({ step: 0, provider_message_id: 'wamid.answered-1' });
      expect(answered.in_flight).toBeUndefined();
      dead = await copyOf(store);
    }
  }
  expect(dead, 'the answer reached the store while its outcome waited on the queue').toBeDefined();
  // The queue was still held: the receipt (applied on the queue) had not been emitted yet.
  expect(a.receipts.filter((r) => r.status === 'sent')).toHaveLength(0);
  await queueHeld;
  await a.engine.stop();

  return {
    dead: dead as MemoryNotifyStore,
    config,
    fingerprint,
    ackCode: whatsapp.sent[0]?.ack_code as string,
  };
}

describe("a provider's answer is stored ahead of the queue", () => {
  it('a process that dies before the outcome gets its turn does not page again; the restart applies the outcome', async () => {
    const { dead, config, fingerprint } = await answeredButNotApplied();
    // A new process on what the killed one left behind.
    const b = engineWithRecorders(config, { store: dead });
    await b.engine.start();
    // The answered job is due at once; its outcome is applied on the queue's first turns.
    await vi.waitFor(() => expect(b.receipts).toHaveLength(1), { timeout: 10_000 });
    await b.engine.settle();
    // Not sent again (the other alerts' groups wait an hour: nothing is sent at all).
    expect(b.channels.whatsapp.sent.filter((m) => m.alert_fingerprints.includes(fingerprint))).toHaveLength(
      0,
    );
    expect(b.channels.whatsapp.sent).toHaveLength(0);
    // The outcome was applied: a sent receipt, the contact recorded as paged, the job gone.
    const receipt = b.receipts.find((r) => r.provider_message_id === 'wamid.answered-1');
    expect(receipt).toMatchObject({ status: 'sent', channel: 'whatsapp', receiver: 'oncall' });
    const deliveries = await dead.list<DeliveryJob>('deliveries');
    expect(deliveries).toHaveLength(0);
    const incidents = await dead.list<Incident>('incidents');
    const siteA = incidents.find((i) => i.group_key.includes('site_a'));
    expect(siteA?.paged?.map((p) => p.contact)).toEqual(['somchai']);
    // The message id is known again: a late failed status for it acts on it. It was a template (outside
    // the 24-hour window), so 131047 moves the contact to the next channel: email, a new job, sent.
    await b.engine.recordWhatsAppStatus({
      id: 'wamid.answered-1',
      status: 'failed',
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
    await vi.waitFor(() => expect(b.channels.email.sent).toHaveLength(1), { timeout: 10_000 });
    expect(b.channels.email.sent[0]?.alert_fingerprints).toEqual([fingerprint]);
    expect(b.channels.whatsapp.sent).toHaveLength(0);
    await b.engine.stop();
  }, 120_000);

  it('an acknowledgement right after the restart does not suppress the answered page: its contact is recorded and told', async () => {
    const { dead, config, ackCode } = await answeredButNotApplied();
    const b = engineWithRecorders(config, { store: dead });
    await b.engine.start();
    // Queued before the answered job's outcome (due at once, on the scheduler's first turn).
    const ack = await b.engine.acknowledge({ ack_code: ackCode, by: 'nok', via: 'api' });
    expect(ack.cancelled_deliveries).toBe(0);
    await vi.waitFor(() => expect(b.receipts.some((r) => r.status === 'sent')).toBe(true), {
      timeout: 10_000,
    });
    await b.engine.settle();
    expect(b.receipts.filter((r) => r.status === 'suppressed')).toHaveLength(0);
    const incidents = await dead.list<Incident>('incidents');
    const siteA = incidents.find((i) => i.group_key.includes('site_a'));
    expect(siteA?.paged?.map((p) => p.contact)).toEqual(['somchai']);
    // Paged, so told of the acknowledgement.
    expect(siteA?.notices?.length).toBeGreaterThan(0);
    await b.engine.stop();
  }, 120_000);

  it('a job cancelled while its send was in flight is not written back by the answer', async () => {
    const store = new MemoryNotifyStore();
    const config = baseConfig({ route: { receiver: 'oncall', group_wait: '0s', group_by: ['site'] } });
    let release!: () => void;
    const answered = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const sending = new Promise<void>((r) => {
      started = r;
    });
    const whatsapp = recordingChannel('whatsapp', {
      async send(m: Message) {
        whatsapp.sent.push(m);
        started();
        await answered;
        return { ok: true as const, provider_message_id: 'wamid.late' };
      },
    });
    const a = engineWithRecorders(config, { store, channels: { whatsapp } as never });
    await a.engine.start();
    await a.engine.ingest(alert(0));
    await sending;
    const [message] = whatsapp.sent;
    const ack = await a.engine.acknowledge({ ack_code: message?.ack_code as string, by: 'somchai' });
    expect(ack.cancelled_deliveries).toBe(1);
    release();
    await a.engine.settle();
    // The cancelled job's delete stands: no job resurrected by the late answer.
    expect(await store.list('deliveries')).toHaveLength(0);
    await a.engine.stop();
  });
});
