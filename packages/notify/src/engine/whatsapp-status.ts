// Delivery statuses from the WhatsApp webhook: receipts, and what a failure that arrives only
// asynchronously leads to (template re-send, retry, or the contact's next channel).
import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import { classifyWhatsAppStatusError } from '../channels/whatsapp/status-errors.js';
import { decideRetry } from '../delivery/retry.js';
import type { DeliveryJob } from '../stages/deliver.js';
import type { WhatsAppStatusInput } from '../types.js';
import type { EngineContext, SentMessage } from './context.js';
import { emit, scheduleDelivery } from './delivery.js';

const RECEIPT_OF: Record<string, DeliveryReceipt['status'] | undefined> = {
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/** Applies one status: a receipt, then for `failed` the action its error code maps to. */
export async function applyWhatsAppStatus(s: EngineContext, status: WhatsAppStatusInput): Promise<void> {
  const known = s.sent.get(status.id);
  if (!known) return;
  const mapped = RECEIPT_OF[status.status];
  if (!mapped) return;
  const err = status.errors?.[0];
  const action = mapped === 'failed' ? classifyWhatsAppStatusError(err?.code) : undefined;
  const now = s.clock.now();
  const detail = err?.error_data?.details ? `: ${err.error_data.details}` : '';
  emit(s, {
    ...s.deliverStage.receipt(known.job, { channel: known.channel, to: known.to }, mapped, now),
    provider_message_id: status.id,
    ...(err
      ? {
          error: {
            code: String(err.code ?? 'unknown'),
            message: s.vault.redact(`${err.title ?? err.message ?? ''}${detail}`).slice(0, 500),
            retryable: action === 'retry',
          },
        }
      : {}),
  });
  if (!action || !stillLive(s, known)) return;
  const next = nextJob(s, known, action, err?.code, now);
  if (!next) return;
  // Applied once: a later replay of the same status is dropped by the webhook, and this message id
  // is forgotten so a status for it cannot start a second follow-up.
  s.sent.delete(status.id);
  s.jobs.set(next.id, next);
  await s.store.put('deliveries', next.id, next);
  scheduleDelivery(s, next.id, next.next_at);
}

function stillLive(s: EngineContext, known: SentMessage): boolean {
  return known.job.notification.firing.some((fp) => {
    const r = s.alerts.get(fp);
    return r?.status === 'firing' && !r.acked;
  });
}

function nextJob(
  s: EngineContext,
  known: SentMessage,
  action: 'template' | 'retry' | 'failover',
  code: number | undefined,
  now: number,
): DeliveryJob | undefined {
  // A new job: nothing of the sent one's attempt (its answer, an attempt in flight) carries over.
  const { answered: _answered, in_flight: _inFlight, ...sent } = known.job;
  const base: DeliveryJob = { ...sent, id: s.newId('dlv'), next_at: now };
  if (action === 'template') {
    // Already a template: re-sending the same thing cannot help, the next channel might.
    if (known.template) return failover(base);
    return { ...base, attempt: 0, force_template: true };
  }
  if (action === 'retry') {
    const failure = { ok: false as const, retryable: true, code: String(code ?? 'unknown'), message: '' };
    const decision = decideRetry(failure, known.job.attempt, s.config.retry, s.random);
    if (decision.retry) return { ...base, next_at: now + decision.delayMs };
  }
  return failover(base);
}

function failover(job: DeliveryJob): DeliveryJob | undefined {
  if (job.step + 1 >= job.chain.length) return undefined;
  const next: DeliveryJob = { ...job, step: job.step + 1, attempt: 0 };
  delete next.force_template;
  return next;
}
