import type { ChannelKind, DeliveryReceipt, Message } from '@fieldops/contracts/notify/v1';
import type { Channel, ChannelFailure, SendResult } from '../channels/channel.js';
import type { WhatsAppWindows } from '../channels/whatsapp/window.js';
import type { ReceiverConfig, WhatsAppChannelConfig } from '../config.js';
import type { AttemptRunner } from '../delivery/attempt-timeout.js';
import type { RateLimiter } from '../delivery/rate-limiter.js';
import { decideRetry, type RetryPolicy } from '../delivery/retry.js';
import type { DeliveryJob, Incident } from '../model.js';
import type { NotificationData } from '../notification.js';
import type { MessageRenderer } from '../templates/render.js';
import { fitWithSummary } from '../text/truncate.js';
import type { ChannelAddress, RandomSource } from '../types.js';
import type { Flush } from './flush-state.js';
import { buildNotificationData } from './notification-data.js';
import { type Change, NO_CHANGES, type Stage, type StageResult } from './stage.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { DeliveryJob } from '../model.js';

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
  /** The receivers by name (their contacts and failover chains). */
  receivers?: ReadonlyMap<string, ReceiverConfig>;
  /** Incidents by id (for the ack codes a message carries). */
  incident?: (id: string) => Incident | undefined;
  /** Makes notification and delivery ids. */
  newId?: (prefix: string) => string;
}

/** A delivery job to one contact along its chain, due now. */
export function buildDeliveryJob(
  id: string,
  data: NotificationData,
  receiver: string,
  contact: string,
  chain: ChannelAddress[],
  now: number,
): DeliveryJob {
  return {
    id,
    notification: data,
    receiver,
    contact,
    chain,
    step: 0,
    attempt: 0,
    total_attempts: 0,
    next_at: now,
  };
}

/**
 * The deliver stage: renders the message for the current channel of a job's chain (WhatsApp: free text
 * inside the 24-hour window, the approved template outside it), honours rate limits, retries what is
 * retryable with backoff and `Retry-After`, and fails over to the next channel when a step fails for good.
 * It mutates the job; the engine persists and schedules it.
 */
export class DeliverStage implements Stage<Flush, Flush> {
  readonly name = 'deliver' as const;

  constructor(private readonly deps: DeliverStageDeps) {}

  /**
   * When the receiver is told (dedup decided so), builds the group notification and one delivery job
   * per contact of the receiver. Changes: each job, and its start (due now).
   */
  run(flush: Flush, now: number): StageResult<Flush> {
    const { nflog, route, group, receiver } = flush;
    if (!nflog) return { changes: NO_CHANGES, next: flush };
    const firing = flush.firing ?? [];
    const resolved = route.send_resolved ? (flush.resolved ?? []) : [];
    const contacts = this.deps.receivers?.get(receiver)?.contacts;
    if (firing.length + resolved.length === 0 || !contacts) return { changes: NO_CHANGES, next: flush };
    const newId = this.deps.newId ?? ((p: string) => `${p}_${now.toString(36)}`);
    const opened = flush.incident;
    const data = buildNotificationData(
      {
        incident: (id) => (id === opened?.id ? opened : this.deps.incident?.(id)),
        newId,
      },
      'group',
      receiver,
      group.key,
      group.labels,
      firing,
      resolved,
      now,
    );
    const changes: Change[] = [];
    for (const contact of contacts) {
      const job = buildDeliveryJob(newId('dlv'), data, receiver, contact.name, contact.chain, now);
      changes.push(
        { op: 'put', collection: 'deliveries', key: job.id, doc: job },
        { op: 'schedule', timer: `d:${job.id}`, at: now },
      );
    }
    return { changes, next: flush };
  }

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
