// A Publisher for the CloudEvents HTTP protocol binding (v1.0.2): the relay of an embedded outbox
// delivers to another process's HTTP ingest (the notify service) with it.
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
//   §3.2 structured content mode: one event per request, `Content-Type: application/cloudevents+json`
//   §3.3 batched content mode: several events per request, the JSON batch format's media type
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
//   §4 JSON batch format: a JSON array of structured events, `application/cloudevents-batch+json`
import { BusConfigError } from '../errors.js';
import { type BusLogger, noopLogger } from '../logger.js';
import type { BusMessage, Publisher, PublishOutcome } from '../transport.js';

/** Options of {@link createCloudEventsHttpPublisher}. */
export interface CloudEventsHttpPublisherOptions {
  /** The receiver's URL (notify: `http://host:port/notify/events`). */
  readonly url: string;
  /** `batched` (default): up to `maxBatch` events per request; `structured`: one event per request. */
  readonly mode?: 'batched' | 'structured';
  /** Events per request in batched mode; default 100. */
  readonly maxBatch?: number;
  /** Requests in flight at once; default 4. */
  readonly concurrency?: number;
  /** Sent as `Authorization: Bearer <token>`; never logged. */
  readonly token?: string;
  /** Per request, ms; default 10 000. */
  readonly timeoutMs?: number;
  /** Injected fetch; default the global one. */
  readonly fetch?: typeof fetch;
  readonly logger?: BusLogger;
}

/** The media types of the binding's structured (§3.2) and batched (§3.3) modes. */
export const CLOUDEVENTS_MEDIA_TYPE = 'application/cloudevents+json';
/** The JSON batch format's media type (JSON format §4). */
export const CLOUDEVENTS_BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

const decoder = new TextDecoder();

/** What one request came to: stored, a rejection of the content (permanent), or worth retrying. */
type Answer = { kind: 'stored' } | { kind: 'rejected'; error: Error } | { kind: 'retry'; error: Error };

/**
 * Creates a publisher that POSTs CloudEvents to an HTTP receiver. 2xx: stored. 400/422: the content is
 * refused: a batch of several is split and each event sent alone, a single event is reported as a
 * permanent failure (the relay keeps the row as rejected). 413: split. Anything else (401/403/404,
 * 408/429/5xx, a network error, a timeout): a failure the relay retries with back-off.
 */
export function createCloudEventsHttpPublisher(options: CloudEventsHttpPublisherOptions): Publisher {
  let target: URL;
  try {
    target = new URL(options.url);
  } catch {
    throw new BusConfigError(
      `@fieldops/bus http publisher: url is not a URL: ${JSON.stringify(options.url)}`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new BusConfigError(`@fieldops/bus http publisher: url must be http(s), got ${target.protocol}`);
  const mode = options.mode ?? 'batched';
  const maxBatch = mode === 'structured' ? 1 : Math.max(1, options.maxBatch ?? 100);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const logger = options.logger ?? noopLogger;
  const where = `${target.origin}${target.pathname}`;

  async function post(messages: readonly BusMessage[], batched: boolean): Promise<Answer> {
    const body = batched
      ? `[${messages.map((m) => decoder.decode(m.data)).join(',')}]`
      : decoder.decode((messages[0] as BusMessage).data);
    let response: Response;
    try {
      response = await doFetch(target, {
        method: 'POST',
        headers: {
          'content-type': batched ? CLOUDEVENTS_BATCH_MEDIA_TYPE : CLOUDEVENTS_MEDIA_TYPE,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', error: new Error(`POST ${where}: ${(error as Error).message}`) };
    }
    // The receiver's answer says why; keep it short and never echo our own request.
    const text = (await response.text().catch(() => '')).slice(0, 300);
    if (response.ok) return { kind: 'stored' };
    const error = new Error(`POST ${where}: ${response.status}${text ? ` ${text}` : ''}`);
    if (response.status === 400 || response.status === 422 || response.status === 413)
      return { kind: 'rejected', error };
    return { kind: 'retry', error };
  }

  // Sends `messages` (one request when it can), splitting on a refusal until single events remain.
  async function send(messages: readonly BusMessage[]): Promise<PublishOutcome[]> {
    const answer = await post(messages, mode === 'batched');
    if (answer.kind === 'stored') return messages.map(() => ({ ok: true, duplicate: false }));
    if (answer.kind === 'retry') return messages.map(() => ({ ok: false, error: answer.error }));
    if (messages.length === 1) {
      logger.error(
        { component: 'bus.http', url: where, err: answer.error.message },
        'event rejected by the receiver',
      );
      return [{ ok: false, error: answer.error, permanent: true }];
    }
    const half = Math.ceil(messages.length / 2);
    const [a, b] = await Promise.all([send(messages.slice(0, half)), send(messages.slice(half))]);
    return [...a, ...b];
  }

  return {
    async publishBatch(messages) {
      const chunks: BusMessage[][] = [];
      for (let i = 0; i < messages.length; i += maxBatch) chunks.push(messages.slice(i, i + maxBatch));
      const results: PublishOutcome[][] = new Array(chunks.length);
      let next = 0;
      async function worker() {
        while (next < chunks.length) {
          const i = next++;
          results[i] = await send(chunks[i] as BusMessage[]);
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
      return results.flat();
    },
    async close() {},
  };
}
