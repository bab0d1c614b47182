import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusConfigError, BusConnectError } from '../errors.js';
import { loadPeer } from '../internal/load-peer.js';
import { type BusLogger, noopLogger } from '../logger.js';
import { DEAD_LETTER_PREFIX, SUBJECT_PREFIX } from '../subject.js';
import type { Delivery, Publisher, Subscriber, Subscription } from '../transport.js';
import { createPipelinedPublisher } from './pipelined-publisher.js';

/** Options of {@link createJetStreamBus}. */
export interface JetStreamBusOptions {
  /** `nats://host:port`, one or several. */
  readonly servers: string | readonly string[];
  /** Stream holding `fieldops.>`; default `FIELDOPS`. */
  readonly stream?: string;
  /** Stream holding `fieldops-dlq.>`; default `FIELDOPS_DLQ`. */
  readonly deadLetterStream?: string;
  /** JetStream duplicate window, ms; default 120 000. */
  readonly duplicateWindowMs?: number;
  /** How long a batch waits for the next stream ack before failing the missing ones, ms; default 5 000. */
  readonly publishTimeoutMs?: number;
  /** Publishes awaiting their stream ack at once (pipelining window); default 1 024. */
  readonly publishWindow?: number;
  /**
   * How a delivery is acknowledged. `confirmed` (default): the ack is a request the server answers once
   * it has applied it, re-sent until answered (across a server restart) or until the ack wait has passed.
   * `fire-and-forget`: one ack message, no answer (an ack the server drops while it shuts down is lost
   * and the message is delivered again). Decision 0043.
   */
  readonly ackMode?: 'confirmed' | 'fire-and-forget';
  /** Connection name shown by the server. */
  readonly name?: string;
  /** How to authenticate to the server (default: none). Never logged. */
  readonly auth?: NatsAuth;
  readonly logger?: BusLogger;
}

/**
 * NATS client authentication: user and password, a token, an NKey seed (`SU…`), or the text of a
 * `.creds` file (user JWT + seed, for servers in operator mode).
 * https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro
 */
export type NatsAuth =
  | { readonly user: string; readonly pass: string }
  | { readonly token: string }
  | { readonly nkeySeed: string }
  | { readonly creds: string };

/** A JetStream connection as the bus uses it. */
export interface JetStreamBus {
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  /** The underlying connection, for callers that need more. */
  readonly connection: NatsConnection;
  /** Drains and closes the connection. */
  close(): Promise<void>;
}

const ENTRY = '@fieldops/bus/nats';
const ms = (n: number) => n * 1_000_000;

type Transport = typeof import('@nats-io/transport-node');
const encoder = new TextEncoder();

/** The connect options for `auth`. */
function authOptions(transport: Transport, auth: NatsAuth | undefined) {
  if (!auth) return {};
  if ('user' in auth) return { user: auth.user, pass: auth.pass };
  if ('token' in auth) return { token: auth.token };
  if ('nkeySeed' in auth)
    return { authenticator: transport.nkeyAuthenticator(encoder.encode(auth.nkeySeed.trim())) };
  return { authenticator: transport.credsAuthenticator(encoder.encode(auth.creds)) };
}

/**
 * A first-connect failure as a {@link BusConnectError}: which servers, which kind of credentials, and the
 * client's reason (e.g. `Authorization Violation`). No credential is part of it.
 */
function connectError(
  error: unknown,
  servers: readonly string[],
  auth: NatsAuth | undefined,
): BusConnectError {
  const kind = !auth
    ? 'no credentials'
    : 'user' in auth
      ? `user ${JSON.stringify(auth.user)}`
      : 'token' in auth
        ? 'a token'
        : 'nkeySeed' in auth
          ? 'an nkey'
          : 'a creds file';
  const reason = redact(String((error as Error)?.message ?? error), auth);
  return new BusConnectError(`${ENTRY}: cannot connect to ${servers.join(',')} with ${kind}: ${reason}`);
}

/** Removes every credential value of `auth` from `text` (defence in depth: client messages should not carry them). */
function redact(text: string, auth: NatsAuth | undefined): string {
  if (!auth) return text;
  const values =
    'user' in auth
      ? [auth.pass]
      : 'token' in auth
        ? [auth.token]
        : 'nkeySeed' in auth
          ? [auth.nkeySeed.trim()]
          : [auth.creds];
  return values.filter((v) => v.length > 0).reduce((t, v) => t.split(v).join('[redacted]'), text);
}

/** A short stable hash (FNV-1a) used to name one server-side consumer per filter subject. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/**
 * Connects to NATS and makes sure both streams exist (file storage, so messages survive a server
 * restart; duplicate window for `Nats-Msg-Id`). The connection reconnects forever; publishes fail
 * fast while the server is away, which makes the relay back off.
 */
export async function createJetStreamBus(options: JetStreamBusOptions): Promise<JetStreamBus> {
  const transport = await loadPeer('@nats-io/transport-node', ENTRY, () => import('@nats-io/transport-node'));
  const jsmod = await loadPeer('@nats-io/jetstream', ENTRY, () => import('@nats-io/jetstream'));
  const logger = options.logger ?? noopLogger;
  const stream = options.stream ?? 'FIELDOPS';
  const dlqStream = options.deadLetterStream ?? 'FIELDOPS_DLQ';
  const windowMs = options.duplicateWindowMs ?? 120_000;
  const timeout = options.publishTimeoutMs ?? 5_000;
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0) throw new BusConfigError(`${ENTRY}: servers is empty`);

  const nc = await transport
    .connect({
      servers,
      name: options.name ?? 'fieldops-bus',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      ...authOptions(transport, options.auth),
    })
    .catch((error: unknown) => {
      throw connectError(error, servers, options.auth);
    });
  void (async () => {
    for await (const s of nc.status()) logger.debug({ component: 'bus.nats', status: s.type }, 'nats status');
  })().catch(() => {});

  const jsm = await jsmod.jetstreamManager(nc);
  const js = jsmod.jetstream(nc);
  for (const [name, subjects] of [
    [stream, [`${SUBJECT_PREFIX}.>`]],
    [dlqStream, [`${DEAD_LETTER_PREFIX}.>`]],
  ] as const) {
    const config = {
      name,
      subjects: [...subjects],
      storage: jsmod.StorageType.File,
      duplicate_window: ms(windowMs),
    };
    try {
      await jsm.streams.info(name);
      await jsm.streams.update(name, {
        subjects: config.subjects,
        duplicate_window: config.duplicate_window,
      });
    } catch {
      await jsm.streams.add(config);
    }
  }

  const publisher = createPipelinedPublisher({
    connection: nc,
    inbox: transport.createInbox(),
    window: options.publishWindow ?? 1_024,
    timeoutMs: timeout,
  });

  const ackMode = options.ackMode ?? 'confirmed';
  const ACK = encoder.encode('+ACK');

  /**
   * Sends the ack of `m` as a request and waits for the server's answer (it answers after applying the
   * ack); re-sends it while unanswered — the server was stopping or restarting — until `deadline` or
   * until `closed()` says the subscription is closing. Gives up quietly: the message is then delivered
   * again and the consumer's inbox drops it.
   */
  async function confirmAck(m: JsMsg, deadline: number, closed: () => boolean): Promise<void> {
    // The ack subject (`$JS.ACK.…`): the `reply` of the delivered message (JsMsgImpl has it; the JsMsg
    // interface does not declare it). Without it, `ackAck()` confirms once and cannot be re-sent.
    const reply = (m as JsMsg & { readonly reply?: string }).reply;
    if (!reply) {
      await m.ackAck().catch(() => false);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await nc.request(reply, ACK, { timeout: Math.max(100, Math.min(2_000, deadline - Date.now())) });
        return;
      } catch (error) {
        if (Date.now() >= deadline || closed() || nc.isClosed()) {
          logger.debug(
            { component: 'bus.nats', attempt, err: (error as Error).message },
            'ack not confirmed; the message will be delivered again',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  function toDelivery(m: JsMsg, ackWaitMs: number, closed: () => boolean): Delivery {
    // The server redelivers after the ack wait anyway: a confirmation after that is of no use.
    const deadline = Date.now() + ackWaitMs;
    const headers: Record<string, string> = {};
    if (m.headers) for (const k of m.headers.keys()) headers[k] = m.headers.get(k);
    return {
      subject: m.subject,
      data: m.data,
      headers,
      attempt: m.info.deliveryCount,
      async ack() {
        if (ackMode === 'fire-and-forget') m.ack();
        else await confirmAck(m, deadline, closed);
      },
      async retry(delayMs) {
        m.nak(delayMs);
      },
    };
  }

  const subscriber: Subscriber = {
    async subscribe(opts, onDelivery): Promise<Subscription> {
      // nats-server 2.9 (Debian 12) has one filter per consumer: one durable per filter subject.
      const loops: Promise<void>[] = [];
      const stops: (() => void)[] = [];
      let closing = false;
      const closed = () => closing;
      const ackWaitMs = opts.ackWaitMs ?? 30_000;
      for (const subject of opts.subjects) {
        const durable = opts.subjects.length === 1 ? opts.durable : `${opts.durable}_${fnv(subject)}`;
        const config = {
          durable_name: durable,
          ack_policy: jsmod.AckPolicy.Explicit,
          deliver_policy: jsmod.DeliverPolicy.All,
          ack_wait: ms(ackWaitMs),
          max_deliver: -1,
          filter_subject: subject,
        };
        try {
          await jsm.consumers.info(stream, durable);
        } catch {
          await jsm.consumers.add(stream, config);
        }
        const consumer = await js.consumers.get(stream, durable);
        const limit = Math.max(1, opts.maxInFlight ?? 1);
        const messages = await consumer.consume({ max_messages: Math.max(256, limit) });
        stops.push(() => messages.stop());
        loops.push(
          (async () => {
            const inFlight = new Set<Promise<void>>();
            for await (const m of messages) {
              const settled: Promise<void> = onDelivery(toDelivery(m, ackWaitMs, closed))
                .catch((error) =>
                  logger.warn(
                    { component: 'bus.nats', durable, err: (error as Error).message },
                    'delivery failed',
                  ),
                )
                .finally(() => inFlight.delete(settled));
              inFlight.add(settled);
              if (inFlight.size >= limit) await Promise.race(inFlight);
            }
            await Promise.all(inFlight);
          })().catch((error) =>
            logger.error(
              { component: 'bus.nats', durable, err: (error as Error).message },
              'consume loop ended',
            ),
          ),
        );
      }
      return {
        async close() {
          closing = true;
          for (const stop of stops) stop();
          await Promise.all(loops);
        },
      };
    },
  };

  return {
    publisher,
    subscriber,
    connection: nc,
    async close() {
      await nc.drain().catch(() => nc.close());
    },
  };
}
