import type { ChannelKind, DeliveryReceipt, Message } from '@fieldops/contracts/notify/v1';
import type { Channel, ChannelFailure, SendResult } from '../channels/channel.js';
import type { WhatsAppWindows } from '../channels/whatsapp/window.js';
import type { WhatsAppChannelConfig } from '../config.js';
import type { AttemptRunner } from '../delivery/attempt-timeout.js';
import type { RateLimiter } from '../delivery/rate-limiter.js';
import { decideRetry, type RetryPolicy } from '../delivery/retry.js';
import type { NotificationData } from '../notification.js';
import type { MessageRenderer } from '../templates/render.js';
import { fitWithSummary } from '../text/truncate.js';
import type { ChannelAddress, RandomSource } from '../types.js';

/** The Cloud API's limit on a text message body. */
export const WHATSAPP_MAX_TEXT = 4096;

/**
 * Exactly `count` body parameters, as the approved template declares ({{1}}…{{count}}): the rendered
 * ones (title, summary, ack code) in order, the last one kept for the ack code when fewer are wanted,
 * `-` for any beyond them.
 */
function fitParameters(params: string[], count: number): string[] {
  if (count === params.length) return params;
  if (count < params.length) {
    if (count <= 0) return [];
    return count === 1
      ? [params[0] as string]
      : [...params.slice(0, count - 1), params[params.length - 1] as string];
  }
  return [...params, ...Array.from({ length: count - params.length }, () => '-')];
}

/** A pending delivery to one contact: walks the contact's failover chain, retrying each step. */
export interface DeliveryJob {
  id: string;
  notification: NotificationData;
  receiver: string;
  contact: string;
  chain: ChannelAddress[];
  /** Index of the chain step being tried. */
  step: number;
  /** Attempts made on the current step. */
  attempt: number;
  /** Attempts made over the whole chain. */
  total_attempts: number;
  next_at: number;
  /** WhatsApp: the provider said free text needs the template (131047). */
  force_template?: boolean;
  last_error?: { code: string; message: string; retryable: boolean };
  /**
   * An attempt recorded in the store before its send started and not yet answered. Found on load, it
   * means the process died mid-send: the page is sent again with the same idempotency key.
   */
  in_flight?: { step: number; at: number };
}

/** The idempotency key of a job's current step: the same for every attempt and after a restart. */
export function idempotencyKey(job: DeliveryJob): string {
  return `${job.id}.${job.step}`;
}

/** What one attempt led to. */
export type AttemptOutcome =
  | { kind: 'sent'; receipt: DeliveryReceipt; message: Message; duration_ms: number }
  | { kind: 'wait'; at: number }
  | { kind: 'retry'; at: number; receipt: DeliveryReceipt; duration_ms?: number }
  | { kind: 'failover'; at: number; receipt: DeliveryReceipt; duration_ms?: number }
  | { kind: 'failed'; receipt: DeliveryReceipt; duration_ms?: number };

/** What the deliver stage works with. */
export interface DeliverStageDeps {
  channels: Partial<Record<ChannelKind, Channel>>;
  renderer: MessageRenderer;
  limiter: RateLimiter;
  windows: WhatsAppWindows;
  whatsapp: WhatsAppChannelConfig | undefined;
  retry: RetryPolicy;
  random: RandomSource;
  /** Removes secret values from text. */
  redact: (text: string) => string;
  /** Bounds each attempt (timeout, abort on stop). */
  attempts: AttemptRunner;
}

/**
 * The deliver stage: renders the message for the current channel of a job's chain (WhatsApp: free text
 * inside the 24-hour window, the approved template outside it), honours rate limits, retries what is
 * retryable with backoff and `Retry-After`, and fails over to the next channel when a step fails for good.
 * It mutates the job; the engine persists and schedules it.
 */
export class DeliverStage {
  constructor(private readonly deps: DeliverStageDeps) {}

  /** Builds the message for a job's current step. */
  buildMessage(job: DeliveryJob, address: ChannelAddress, now: number): Message {
    const rendered = this.deps.renderer.render(job.notification, address.channel);
    const n = job.notification;
    const message: Message = {
      channel: address.channel,
      to: address.to,
      subject: rendered.title.slice(0, 300),
      // WhatsApp refuses free text over 4,096 characters: cut on a line with a summary, never inside
      // a character, keeping the ack line.
      text: fitWithSummary(rendered.text, address.channel === 'whatsapp' ? WHATSAPP_MAX_TEXT : 65_536),
      group_key: n.group_key,
      alert_fingerprints: n.firing.length > 0 ? n.firing : n.resolved,
      ...(n.ack_code ? { ack_code: n.ack_code } : {}),
    };
    const wa = this.deps.whatsapp;
    if (
      address.channel === 'whatsapp' &&
      wa &&
      (job.force_template || !this.deps.windows.isOpen(address.to, now))
    ) {
      message.template = {
        name: wa.template.name,
        language: wa.template.language,
        parameters: fitParameters(rendered.parameters, wa.template.body_parameters ?? 3),
      };
    }
    return message;
  }

  /** Makes one attempt on the job's current step. */
  async attempt(job: DeliveryJob, now: () => number): Promise<AttemptOutcome> {
    const address = job.chain[job.step];
    if (!address)
      return { kind: 'failed', receipt: this.receipt(job, job.chain[job.chain.length - 1], 'failed', now()) };
    const channel = this.deps.channels[address.channel];
    if (!channel) {
      return this.failStep(
        job,
        address,
        {
          ok: false,
          retryable: false,
          code: 'channel_missing',
          message: `channel ${address.channel} is not configured`,
        },
        now(),
      );
    }
    const t0 = now();
    const wait = this.deps.limiter.reserve(
      channel.kind,
      address.to,
      t0,
      channel.ratePerSecond,
      channel.recipientGapMs,
    );
    if (wait > 0) return { kind: 'wait', at: t0 + wait };
    const message = this.buildMessage(job, address, t0);
    job.attempt++;
    job.total_attempts++;
    let result: SendResult;
    try {
      result = await this.deps.attempts.send(channel, message, idempotencyKey(job));
    } catch (err) {
      // A channel that throws (an unresolvable secret, a malformed webhook URL) has a configuration
      // problem: retrying will not fix it, the next channel in the chain might.
      const e = err as { code?: unknown; message?: unknown };
      result = {
        ok: false,
        retryable: false,
        code: typeof e?.code === 'string' ? e.code : 'channel_error',
        message: this.deps.redact(typeof e?.message === 'string' ? e.message : String(err)),
      };
    }
    const t1 = now();
    if (result.ok) {
      delete job.last_error;
      return {
        kind: 'sent',
        message,
        duration_ms: t1 - t0,
        receipt: {
          ...this.receipt(job, address, 'sent', t1),
          ...(result.provider_message_id ? { provider_message_id: result.provider_message_id } : {}),
        },
      };
    }
    job.last_error = { code: result.code, message: result.message, retryable: result.retryable };
    if (result.needs_template && !message.template && this.deps.whatsapp) {
      // 131047: outside the window. Not a failure of the contact: send the template right away.
      job.force_template = true;
      job.attempt--;
      return {
        kind: 'retry',
        at: t1,
        receipt: this.receipt(job, address, 'failed', t1, result),
        duration_ms: t1 - t0,
      };
    }
    if (result.throttled && channel.recipientGapMs && result.retry_after_ms) {
      this.deps.limiter.backoff(channel.kind, address.to, t1 + result.retry_after_ms, channel.recipientGapMs);
    }
    const decision = decideRetry(result, job.attempt, this.deps.retry, this.deps.random);
    if (decision.retry) {
      return {
        kind: 'retry',
        duration_ms: t1 - t0,
        at: t1 + decision.delayMs,
        receipt: this.receipt(job, address, result.throttled ? 'throttled' : 'failed', t1, result),
      };
    }
    return { ...this.failStep(job, address, result, t1), duration_ms: t1 - t0 } as AttemptOutcome;
  }

  private failStep(
    job: DeliveryJob,
    address: ChannelAddress,
    failure: ChannelFailure,
    now: number,
  ): AttemptOutcome {
    const receipt = this.receipt(job, address, 'failed', now, failure);
    if (job.step + 1 < job.chain.length) {
      job.step++;
      job.attempt = 0;
      delete job.force_template;
      return { kind: 'failover', at: now, receipt };
    }
    return { kind: 'failed', receipt };
  }

  /** A receipt for a job's step. */
  receipt(
    job: DeliveryJob,
    address: ChannelAddress | undefined,
    status: DeliveryReceipt['status'],
    now: number,
    failure?: ChannelFailure,
  ): DeliveryReceipt {
    return {
      notification_id: job.notification.id,
      receiver: job.receiver,
      channel: address?.channel ?? 'whatsapp',
      to: address?.to ?? job.contact,
      group_key: job.notification.group_key,
      status,
      attempts: job.attempt,
      ...(failure
        ? { error: { code: failure.code, message: failure.message, retryable: failure.retryable } }
        : {}),
      at: new Date(now).toISOString(),
    };
  }
}
