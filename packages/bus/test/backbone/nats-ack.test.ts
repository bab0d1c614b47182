import { jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import { createJetStreamBus, type JetStreamBus } from '../../src/nats.js';
import { missingServer, type RestartableServer, startNats } from '../../src/testing.js';

// nats-server 2.9.10 stops JetStream first on SIGTERM (server/server.go Shutdown: shutdownJetStream
// before the client connections close) and a consumer drops the acks still queued for it
// (server/consumer.go stopWithFlags: `o.ackMsgs.unregister()`; processInboundAcks returns on quit).
// An ack sent as a request is answered only after it was applied (server/consumer.go processAck:
// "Ack the ack if requested", after processAckMsg). Decision 0043.

const N = 1_000;
const ACK_WAIT_MS = 15_000;
/** Handling time per message: the acks keep flowing while the server shuts down. */
const HANDLE_MS = 2;

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What one run saw: deliveries after the first of messages already acked, and the consumer's state. */
interface AckRun {
  readonly redelivered: number;
  readonly ackPending: number;
  readonly ackFloor: number;
}

/**
 * Publishes N messages and consumes them one at a time (a few ms each, then the ack); restarts
 * nats-server gracefully (SIGTERM) when a quarter is acked, so acks are on their way while it shuts
 * down; once all are acked, waits two ack waits and counts the deliveries of messages already acked.
 */
async function restartAfterAcks(nats: RestartableServer, bus: JetStreamBus): Promise<AckRun> {
  const messages = Array.from({ length: N }, (_, i) => ({
    subject: 'fieldops.test.ack.v1',
    id: `/test ack-${i}`,
    data: new TextEncoder().encode(String(i)),
    headers: { 'ce-id': `ack-${i}`, 'ce-source': '/test' },
  }));
  const outcomes = await bus.publisher.publishBatch(messages);
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  const acked = new Set<string>();
  let redelivered = 0;
  let restarting: Promise<void> | undefined;
  const sub = await bus.subscriber.subscribe(
    { durable: 'acks', subjects: ['fieldops.test.ack.>'], ackWaitMs: ACK_WAIT_MS },
    async (d) => {
      const id = d.headers['ce-id'] as string;
      if (acked.has(id)) {
        redelivered++;
        await d.ack();
        return;
      }
      await new Promise((r) => setTimeout(r, HANDLE_MS));
      acked.add(id);
      const ack = d.ack();
      // SIGTERM (a graceful shutdown) while the acks keep coming.
      if (acked.size === N / 4) restarting = nats.restart();
      await ack;
    },
  );
  try {
    await until(() => acked.size === N, 'every message delivered and acked once', 120_000);
    await restarting;
    // Whatever the server still holds as unacked is redelivered once its ack wait has passed.
    await new Promise((r) => setTimeout(r, 2 * ACK_WAIT_MS));
    const jsm = await jetstreamManager(bus.connection);
    const info = await jsm.consumers.info('FIELDOPS', 'acks');
    return {
      redelivered,
      ackPending: info.num_ack_pending,
      ackFloor: info.ack_floor.stream_seq,
    };
  } finally {
    await sub.close();
  }
}

describe.skipIf(missingServer('nats'))('acks across a graceful nats-server restart', () => {
  let nats: RestartableServer | undefined;
  let bus: JetStreamBus | undefined;
  afterEach(async () => {
    await bus?.close();
    await nats?.stop();
  });

  it('confirmed acks (the default): no acked message is delivered again after the restart', async () => {
    nats = await startNats();
    bus = await createJetStreamBus({ servers: nats.url });
    const run = await restartAfterAcks(nats, bus);
    console.log(`confirmed acks: ${run.redelivered} of ${N} acked messages redelivered after the restart`);
    expect(run).toEqual({ redelivered: 0, ackPending: 0, ackFloor: N });
  }, 180_000);

  it('fire-and-forget acks: counts the acked messages delivered again (the inbox drops them)', async () => {
    nats = await startNats();
    bus = await createJetStreamBus({ servers: nats.url, ackMode: 'fire-and-forget' });
    const run = await restartAfterAcks(nats, bus);
    console.log(
      `fire-and-forget acks: ${run.redelivered} of ${N} acked messages redelivered after the restart`,
    );
    // Whatever was lost came back and was acked again: nothing is left pending either way.
    expect(run.ackPending).toBe(0);
    expect(run.ackFloor).toBe(N);
  }, 180_000);
});
