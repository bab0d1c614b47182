// The CloudEvents HTTP publisher against a real HTTP server on loopback. The receiver below stands for
// any receiver of the CloudEvents HTTP protocol binding v1.0.2 and is as strict as the binding:
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
//   §3.2 structured mode: Content-Type `application/cloudevents+json`, the body one JSON event
//   §3.3 batched mode: Content-Type of the batch format, the body a JSON array of events
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md §4 (batch format,
// `application/cloudevents-batch+json`); spec.md §3.1 required attributes id, source, specversion, type.
// Like the notify service, it stores each source + id once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type BusEvent,
  CLOUDEVENTS_BATCH_MEDIA_TYPE,
  CLOUDEVENTS_MEDIA_TYPE,
  createCloudEventsHttpPublisher,
  createOutbox,
  createRelay,
  type SqlDatabase,
} from '../../src/index.js';
import { pgliteEngine } from '../helpers/databases.js';
import { deviceChanged } from '../helpers/events.js';

interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly stored: Map<string, BusEvent>;
  readonly requests: { contentType: string; count: number; authorization?: string }[];
  /** Answer 503 to the next `n` requests. */
  unavailable(n: number): void;
  /** Refuse (400) any request holding an event with this id. */
  refuse(id: string): void;
  close(): Promise<void>;
}

function isEvent(e: unknown): e is BusEvent {
  const o = e as Record<string, unknown>;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.specversion === '1.0' &&
    ['id', 'source', 'type'].every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0)
  );
}

async function startReceiver(port = 0): Promise<Receiver> {
  const stored = new Map<string, BusEvent>();
  const requests: Receiver['requests'] = [];
  const refused = new Set<string>();
  let down = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/notify/events') return answer(404, { error: 'no route' });
    if (down > 0) {
      down--;
      return answer(503, { error: 'not ready' });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(400, { error: 'not JSON' });
    }
    let events: unknown[];
    if (type === CLOUDEVENTS_BATCH_MEDIA_TYPE && Array.isArray(body)) events = body;
    else if (type === CLOUDEVENTS_MEDIA_TYPE && !Array.isArray(body)) events = [body];
    else return answer(415, { error: `content type ${type} does not fit the body` });
    if (!events.every(isEvent)) return answer(400, { error: 'not a CloudEvent' });
    if (events.some((e) => refused.has(e.id))) return answer(400, { error: 'data: invalid' });
    requests.push({
      contentType: type,
      count: events.length,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    for (const e of events) if (!stored.has(`${e.source} ${e.id}`)) stored.set(`${e.source} ${e.id}`, e);
    answer(202, { results: events.map(() => ({ stored: true })) });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/notify/events`,
    port: actual,
    stored,
    requests,
    unavailable: (n) => {
      down = n;
    },
    refuse: (id) => refused.add(id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FAST = { baseDelayMs: 20, maxDelayMs: 100, jitter: 'none' as const };
const engine = pgliteEngine();
afterAll(() => engine.close());
let receiver: Receiver | undefined;
afterEach(() => receiver?.close());

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CloudEvents HTTP publisher (relay of an embedded outbox → another process)', () => {
  it('delivers the outbox in batched mode: 250 events in requests of at most 100, each stored once, bearer token sent', async () => {
    const db: SqlDatabase = await engine.open();
    receiver = await startReceiver();
    const outbox = createOutbox({ db });
    const events = Array.from({ length: 250 }, () => deviceChanged());
    await outbox.append(events);
    const relay = createRelay({
      db,
      publisher: createCloudEventsHttpPublisher({ url: receiver.url, token: 's3cret-token' }),
    });
    const pass = await relay.runOnce();
    expect(pass).toEqual({ claimed: 250, published: 250, failed: 0, rejected: 0 });
    expect(receiver.requests.map((r) => r.count)).toEqual([100, 100, 50]);
    expect(new Set(receiver.requests.map((r) => r.contentType))).toEqual(
      new Set([CLOUDEVENTS_BATCH_MEDIA_TYPE]),
    );
    expect(new Set(receiver.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer s3cret-token']));
    expect([...receiver.stored.values()].map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('structured mode sends one event per request as application/cloudevents+json', async () => {
    const db = await engine.open();
    receiver = await startReceiver();
    const outbox = createOutbox({ db });
    await outbox.append([deviceChanged(), deviceChanged(), deviceChanged()]);
    const relay = createRelay({
      db,
      publisher: createCloudEventsHttpPublisher({ url: receiver.url, mode: 'structured' }),
    });
    expect((await relay.runOnce()).published).toBe(3);
    expect(receiver.requests).toEqual(
      [1, 2, 3].map(() => ({ contentType: CLOUDEVENTS_MEDIA_TYPE, count: 1 })),
    );
  });

  it('while the receiver is down or answers 503 the relay backs off, then delivers everything once', async () => {
    const db = await engine.open();
    // Take a port, then close it: the relay starts against nothing listening.
    const first = await startReceiver();
    const port = first.port;
    await first.close();
    const outbox = createOutbox({ db });
    const events = Array.from({ length: 120 }, () => deviceChanged());
    await outbox.append(events);
    const relay = createRelay({
      db,
      outbox,
      backoff: FAST,
      pollIntervalMs: 20,
      publisher: createCloudEventsHttpPublisher({
        url: `http://127.0.0.1:${port}/notify/events`,
        timeoutMs: 2_000,
      }),
    });
    relay.start();
    await new Promise((r) => setTimeout(r, 300));
    const attempts = await db.query(
      'SELECT max(attempts)::int AS n, max(last_error) AS e FROM fieldops_bus.outbox',
    );
    const row = attempts.rows[0] as { n: number; e: string };
    expect(row.n).toBeGreaterThan(0);
    expect(row.e).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/notify\/events: /);
    receiver = await startReceiver(port);
    receiver.unavailable(2);
    await outbox.append(deviceChanged());
    await until(() => receiver?.stored.size === 121);
    await relay.stop();
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('an event the receiver refuses is split out and kept as rejected; the rest of its batch is stored', async () => {
    const db = await engine.open();
    receiver = await startReceiver();
    const outbox = createOutbox({ db });
    const events = Array.from({ length: 10 }, () => deviceChanged());
    const bad = events[6] as BusEvent;
    receiver.refuse(bad.id);
    await outbox.append(events);
    const relay = createRelay({ db, publisher: createCloudEventsHttpPublisher({ url: receiver.url }) });
    expect(await relay.runOnce()).toEqual({ claimed: 10, published: 9, failed: 0, rejected: 1 });
    expect(receiver.stored.size).toBe(9);
    const { rows } = await db.query(
      'SELECT id, published_at IS NULL AS unpublished, rejected_at IS NOT NULL AS rejected, last_error FROM fieldops_bus.outbox WHERE rejected_at IS NOT NULL',
    );
    expect(rows).toEqual([
      {
        id: bad.id,
        unpublished: true,
        rejected: true,
        last_error: expect.stringMatching(/: 400 .*data: invalid/),
      },
    ]);
    // Not retried: the next pass claims nothing, and retention never deletes it.
    expect((await relay.runOnce()).claimed).toBe(0);
    expect(await outbox.prunePublished(0)).toBe(9);
    expect((await db.query('SELECT count(*)::int AS n FROM fieldops_bus.outbox')).rows).toEqual([{ n: 1 }]);
  });

  it('refuses a URL that is not http(s), naming it', () => {
    expect(() => createCloudEventsHttpPublisher({ url: 'nats://127.0.0.1:4222' })).toThrow(
      /url must be http\(s\), got nats:/,
    );
  });
});
