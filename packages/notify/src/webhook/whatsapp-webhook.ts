import { createHmac, timingSafeEqual } from 'node:crypto';
import { NotifyError } from '../errors.js';
import { DEFAULT_MAX_BODY_BYTES, type PreflightHandler, readBodyCapped } from '../http/preflight.js';
import type { SecretInput, SecretVault } from '../secrets.js';
import type { AcknowledgeInput, AcknowledgeResult, Logger, WhatsAppStatusInput } from '../types.js';
import { SILENT_LOGGER } from '../types.js';

/** What the webhook feeds back into (a NotifyEngine fits). */
export interface WhatsAppWebhookSink {
  recordInbound(phone: string, at?: number): Promise<void>;
  recordWhatsAppStatus(status: WhatsAppStatusInput): Promise<void>;
  acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult>;
  /** False for a replayed or stale event (by key and its time in ms): it is skipped. */
  claimWebhookEvent?(key: string, at?: number): Promise<boolean>;
}

/** Options of the webhook receiver. */
export interface WhatsAppWebhookOptions {
  engine: WhatsAppWebhookSink;
  /** Meta app secret: the HMAC key of `X-Hub-Signature-256`. */
  appSecret: SecretInput;
  /** The token configured for the GET verification handshake. */
  verifyToken: SecretInput;
  /** Resolves the two secrets (the engine's vault, or one built from a resolver). */
  vault: SecretVault;
  logger?: Logger;
  /** Largest body read, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

/** `ACK K7Q2MX` (any case, optional colon or `#`) -> `K7Q2MX`. */
export function parseAckReply(text: string): string | undefined {
  const m = /^\s*ACK(?:NOWLEDGE)?\s*[:#]?\s*([A-Za-z0-9]{4,12})\s*[.!]?\s*$/i.exec(text);
  return m ? (m[1] as string).toUpperCase() : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  // Compare equal-length buffers so the time taken does not depend on where they differ;
  // the length itself (that of a hex digest) is not secret.
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** True when `header` is `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function verifyHubSignature(body: Uint8Array, header: string | null, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return safeEqual(header.trim().toLowerCase(), expected);
}

interface WebhookPayload {
  entry?: {
    changes?: {
      value?: {
        messages?: {
          id?: string;
          from?: string;
          timestamp?: string;
          type?: string;
          text?: { body?: string };
          button?: { text?: string };
        }[];
        statuses?: WhatsAppStatusInput[];
      };
    }[];
  }[];
}

/**
 * The WhatsApp Cloud API webhook as a Fetch API handler (`Request -> Response`): the GET verification
 * handshake echoes `hub.challenge`; POSTs must carry a valid `X-Hub-Signature-256` over the raw body
 * (401 otherwise, and nothing changes); statuses and replies (`ACK <code>`) go to the engine.
 */
export function createWhatsAppWebhookHandler(options: WhatsAppWebhookOptions): PreflightHandler {
  const logger = options.logger ?? SILENT_LOGGER;
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Before the body is read: a POST without a signature header is refused (the HMAC itself needs
  // the body, so it is checked once the capped body is in).
  const preflight = async (request: Request): Promise<Response | undefined> => {
    if (request.method === 'GET') return undefined;
    if (request.method !== 'POST')
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
    if (!request.headers.get('x-hub-signature-256')?.startsWith('sha256='))
      return new Response('invalid signature', { status: 401 });
    return undefined;
  };
  const handler = async (request: Request): Promise<Response> => {
    if (request.method === 'GET') {
      const url = new URL(request.url);
      const mode = url.searchParams.get('hub.mode');
      const token = url.searchParams.get('hub.verify_token') ?? '';
      const challenge = url.searchParams.get('hub.challenge') ?? '';
      const expected = await options.vault.resolve(options.verifyToken, 'webhook.verifyToken');
      if (mode === 'subscribe' && safeEqual(token, expected)) {
        return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain' } });
      }
      return new Response('forbidden', { status: 403 });
    }
    const early = await preflight(request);
    if (early) return early;
    let raw: Uint8Array;
    try {
      raw = await readBodyCapped(request, max);
    } catch (err) {
      if (err instanceof NotifyError && err.code === 'body_too_large')
        return new Response('body too large', { status: 413 });
      throw err;
    }
    const secret = await options.vault.resolve(options.appSecret, 'webhook.appSecret');
    if (!verifyHubSignature(raw, request.headers.get('x-hub-signature-256'), secret)) {
      logger.warn(
        { component: 'notify', operation: 'whatsapp_webhook', outcome: 'bad_signature' },
        'rejected webhook',
      );
      return new Response('invalid signature', { status: 401 });
    }
    let payload: WebhookPayload;
    try {
      payload = JSON.parse(new TextDecoder().decode(raw)) as WebhookPayload;
    } catch {
      return new Response('invalid JSON', { status: 400 });
    }
    // Meta redelivers, and a captured body can be replayed with its valid signature: each message and
    // each status is applied once (by id), and only while fresh (its own timestamp, in seconds).
    const claim = async (key: string, ts: string | undefined): Promise<boolean> => {
      if (!options.engine.claimWebhookEvent) return true;
      const seconds = ts !== undefined ? Number(ts) : Number.NaN;
      return options.engine.claimWebhookEvent(key, Number.isFinite(seconds) ? seconds * 1000 : undefined);
    };
    let acks = 0;
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const value = change.value ?? {};
        for (const status of value.statuses ?? []) {
          if (typeof status?.id !== 'string') continue;
          if (!(await claim(`wa:status:${status.id}:${status.status}`, status.timestamp))) continue;
          await options.engine.recordWhatsAppStatus(status);
        }
        for (const msg of value.messages ?? []) {
          if (typeof msg?.from !== 'string') continue;
          if (typeof msg.id === 'string' && !(await claim(`wa:msg:${msg.id}`, msg.timestamp))) continue;
          const at = msg.timestamp ? Number(msg.timestamp) * 1000 : undefined;
          await options.engine.recordInbound(
            msg.from,
            at !== undefined && Number.isFinite(at) ? at : undefined,
          );
          const code = parseAckReply(msg.text?.body ?? msg.button?.text ?? '');
          if (!code) continue;
          try {
            await options.engine.acknowledge({
              ack_code: code,
              by: `+${msg.from.replace(/^\+/, '')}`,
              via: 'whatsapp',
              from: { channel: 'whatsapp', to: msg.from },
            });
            acks++;
          } catch (err) {
            logger.warn(
              { component: 'notify', operation: 'whatsapp_ack', ack_code: code, err: String(err) },
              'ack reply not applied',
            );
          }
        }
      }
    }
    // Meta retries anything but 200; answer 200 once the payload is processed.
    return new Response(JSON.stringify({ ok: true, acks }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return Object.assign(handler, { preflight });
}
