import type { ChannelKind, Message } from '@fieldops/contracts/notify/v1';
import type { SecretInput, SecretVault } from '../secrets.js';
import type { Clock, Logger } from '../types.js';

/** A failed send: whether it is worth retrying, and how long the provider asked us to wait. */
export interface ChannelFailure {
  ok: false;
  /** True when the same message may succeed later (5xx, 429, throttling, network errors). */
  retryable: boolean;
  /** Provider error code (`131047`, `http_503`, `ECONNECTION`, …). */
  code: string;
  /** Provider message with every secret redacted. */
  message: string;
  /** The provider's own wait (Retry-After, retry_after), in ms. */
  retry_after_ms?: number;
  /** The provider throttled us (rate limit rather than breakage). */
  throttled?: boolean;
  /** WhatsApp: free text refused outside the 24-hour window (131047); send the template instead. */
  needs_template?: boolean;
  status?: number;
}

/** A successful send. */
export interface ChannelSuccess {
  ok: true;
  provider_message_id?: string;
}

/** What `send` returns; channels never throw for provider failures. */
export type SendResult = ChannelSuccess | ChannelFailure;

/** One delivery channel (STYLE: a notifier returns whether a failure is worth retrying). */
export interface Channel {
  readonly kind: ChannelKind;
  /** Messages per second across all recipients (token bucket); unlimited when absent. */
  readonly ratePerSecond?: number;
  /** Minimum gap between two messages to the same recipient, in ms. */
  readonly recipientGapMs?: number;
  /** Sends one message; `signal` aborts it (the engine's per-attempt timeout, or `stop()`). */
  send(message: Message, options?: SendOptions): Promise<SendResult>;
  close?(): Promise<void>;
}

/** Per-send options. */
export interface SendOptions {
  /** Aborted when the attempt times out or the engine stops; pass it to `fetch`. */
  signal?: AbortSignal;
  /**
   * The same for every attempt of one page to one address, across retries and restarts; a channel whose
   * provider deduplicates requests by a key should send it (the at-least-once window after a crash).
   */
  idempotencyKey?: string;
}

/** What a channel factory receives from the engine. */
export interface ChannelDeps {
  fetch: typeof fetch;
  vault: SecretVault;
  logger: Logger;
  clock: Clock;
}

/** A failure from a thrown network error, redacted. */
export function networkFailure(err: unknown, vault: SecretVault): ChannelFailure {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const code =
    typeof e?.code === 'string'
      ? e.code
      : typeof e?.cause?.code === 'string'
        ? e.cause.code
        : 'network_error';
  const message = vault.redact(typeof e?.message === 'string' ? e.message : String(err));
  return { ok: false, retryable: true, code, message };
}

/** A failure from an HTTP status: 429 and 5xx are retryable, other 4xx are not. */
export function httpFailure(
  status: number,
  message: string,
  vault: SecretVault,
  retryAfterMs?: number,
): ChannelFailure {
  return {
    ok: false,
    retryable: status === 429 || status === 408 || status >= 500,
    code: `http_${status}`,
    message: vault.redact(message).slice(0, 500),
    status,
    ...(status === 429 ? { throttled: true } : {}),
    ...(retryAfterMs !== undefined ? { retry_after_ms: retryAfterMs } : {}),
  };
}

/** Parses `Retry-After` (delta seconds or an HTTP date) to ms: @fieldops/core's, as every client does. */
export { parseRetryAfter } from '@fieldops/core';

/**
 * Resolves the webhook URL named by `message.to` (Slack, Discord): the URL is a secret, so its path
 * is remembered for redaction. An unknown name is a permanent failure.
 */
export async function resolveNamedWebhook(
  kind: 'slack' | 'discord',
  webhooks: Readonly<Record<string, SecretInput>>,
  message: Message,
  vault: SecretVault,
): Promise<{ ok: true; url: URL } | ChannelFailure> {
  const ref = webhooks[message.to];
  if (ref === undefined) {
    return {
      ok: false,
      retryable: false,
      code: 'unknown_webhook',
      message: `no ${kind} webhook named ${message.to}`,
    };
  }
  const url = new URL(await vault.resolve(ref, `channels.${kind}.webhooks.${message.to}`));
  vault.remember(url.pathname);
  return { ok: true, url };
}
