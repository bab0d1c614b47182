import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { BusMessage, Publisher, PublishOutcome } from '../transport.js';
import { invalidHeader, WireHeaders } from './wire-headers.js';

/** Options of {@link createPipelinedPublisher}. */
export interface PipelinedPublisherOptions {
  readonly connection: NatsConnection;
  /** A fresh inbox subject (`createInbox` of `@nats-io/transport-node`). */
  readonly inbox: string;
  /** Publishes awaiting their stream ack at once (the bounded window); default 1,024. */
  readonly window?: number;
  /** A batch fails the acks still missing when none arrived for this long, ms; default 5,000. */
  readonly timeoutMs?: number;
}

/** One message awaiting its ack: the batch it belongs to and its place in it. */
interface Pending {
  readonly batch: Batch;
  readonly index: number;
}

/** The state of one {@link Publisher.publishBatch} call. */
interface Batch {
  settle(index: number, outcome: PublishOutcome): void;
}

const decoder = new TextDecoder();

/** Reads a JetStream publish answer: a PubAck `{stream, seq, duplicate?}`, an API error, or a status (503: no stream). */
function readAck(m: Msg): PublishOutcome {
  if (m.headers?.hasError)
    return {
      ok: false,
      error: new Error(`nats: publish answered ${m.headers.code} ${m.headers.description}`),
    };
  try {
    const v = JSON.parse(decoder.decode(m.data)) as {
      stream?: string;
      duplicate?: boolean;
      error?: { code: number; description: string };
    };
    if (v.error) return { ok: false, error: new Error(`nats: ${v.error.code} ${v.error.description}`) };
    if (!v.stream) return { ok: false, error: new Error('nats: invalid ack response') };
    return { ok: true, duplicate: v.duplicate === true };
  } catch {
    return { ok: false, error: new Error('nats: unreadable ack response') };
  }
}

/**
 * A JetStream publisher that pipelines: every message is a core publish with `Nats-Msg-Id` and a reply
 * subject under one inbox subscription, up to `window` acks outstanding, and one wait (one timer) per
 * batch instead of one request, one timer and one promise per message. The stream's answers are the
 * same PubAcks `js.publish` reads; a message whose ack never comes is reported failed and the relay
 * republishes it with the same id (the stream's duplicate window drops the copy).
 */
export function createPipelinedPublisher(options: PipelinedPublisherOptions): Publisher {
  const { connection: nc } = options;
  const window = options.window ?? 1_024;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const pending = new Map<string, Pending>();
  let token = 0;
  const prefix = `${options.inbox}.`;
  const sub = nc.subscribe(`${options.inbox}.*`, {
    callback: (error, m) => {
      if (error) return;
      const t = m.subject.slice(prefix.length);
      const p = pending.get(t);
      if (!p) return; // an answer to a batch that already timed out
      pending.delete(t);
      p.batch.settle(p.index, readAck(m));
    },
  });

  function publishBatch(messages: readonly BusMessage[]): Promise<PublishOutcome[]> {
    const outcomes: PublishOutcome[] = new Array(messages.length);
    if (messages.length === 0) return Promise.resolve(outcomes);
    const mine: string[] = [];
    let next = 0;
    let inFlight = 0;
    let settled = 0;
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Idle timeout: a batch fails only when no ack arrived for `timeoutMs`, so a long batch is not
      // failed while acks keep coming. One timer per batch, re-armed for the rest of the idle period
      // when it fires (not cleared and set again on every ack).
      let lastAckAt = performance.now();
      let done = false;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        for (const t of mine) pending.delete(t);
        resolve(outcomes);
      };
      const check = () => {
        if (done) return;
        const idle = performance.now() - lastAckAt;
        if (idle < timeoutMs) {
          timer = setTimeout(check, timeoutMs - idle);
          return;
        }
        const error = new Error(`nats: no publish ack within ${timeoutMs} ms`);
        for (let i = 0; i < messages.length; i++) outcomes[i] ??= { ok: false, error };
        finish();
      };
      const batch: Batch = {
        settle(index, outcome) {
          outcomes[index] = outcome;
          inFlight--;
          lastAckAt = performance.now();
          if (++settled === messages.length) finish();
          else pump();
        },
      };
      const pump = () => {
        while (inFlight < window && next < messages.length) {
          const i = next++;
          const m = messages[i] as BusMessage;
          // The headers encoded once, in nats-core's wire form (decision 0049).
          const pairs: [string, string][] = [['Nats-Msg-Id', m.id]];
          for (const k in m.headers) pairs.push([k, m.headers[k] as string]);
          const bad = invalidHeader(pairs);
          if (bad) {
            // The message itself cannot be sent: retrying cannot help.
            outcomes[i] = { ok: false, permanent: true, error: new Error(`nats: ${bad}`) };
            if (++settled === messages.length) return finish();
            continue;
          }
          const t = (token++).toString(36);
          mine.push(t);
          inFlight++;
          pending.set(t, { batch, index: i });
          try {
            nc.publish(m.subject, m.data, { reply: prefix + t, headers: new WireHeaders(pairs) });
          } catch (error) {
            // Closed or draining connection: fail this one now rather than wait for the timeout.
            pending.delete(t);
            outcomes[i] = { ok: false, error: error as Error };
            inFlight--;
            if (++settled === messages.length) return finish();
          }
        }
      };
      timer = setTimeout(check, timeoutMs);
      pump();
    });
  }

  return {
    publishBatch,
    async close() {
      sub.unsubscribe();
    },
  };
}
