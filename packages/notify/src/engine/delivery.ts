// Deliver: delivery jobs on the scheduler, sends outside the queue, outcomes, receipts.
import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import type { NotificationData } from '../notification.js';
import { type AttemptOutcome, buildDeliveryJob, type DeliveryJob } from '../stages/deliver.js';
import type { Incident } from '../stages/escalate.js';
import { decideNotices } from '../stages/notice.js';
import type { ChannelAddress } from '../types.js';
import { type EngineContext, MAX_SENT_REMEMBERED } from './context.js';
import { recordNotified } from './notified.js';

/** How long a delivery waits when its attempt could not be recorded (store unavailable). */
export const STORE_RETRY_MS = 1_000;

/** Creates one delivery job per contact of a receiver and starts the due ones. */
export async function enqueue(s: EngineContext, data: NotificationData, receiverName: string): Promise<void> {
  const receiver = s.config.receivers.get(receiverName);
  if (!receiver) return;
  for (const contact of receiver.contacts)
    await enqueueTo(s, data, receiverName, contact.name, contact.chain);
}

/** Creates one delivery job for one contact along `chain`, stores it and starts it when due. */
export async function enqueueTo(
  s: EngineContext,
  data: NotificationData,
  receiver: string,
  contact: string,
  chain: ChannelAddress[],
): Promise<void> {
  const now = s.clock.now();
  const job = buildDeliveryJob(s.newId('dlv'), data, receiver, contact, chain, now);
  s.jobs.set(job.id, job);
  await s.store.put('deliveries', job.id, job);
  scheduleDelivery(s, job.id, now);
}

/**
 * Queues the notices an acknowledged or resolved incident owes its paged contacts (each once: the
 * incident remembers them, and is stored in the same batch as the jobs, before any is sent).
 */
export async function tellPaged(s: EngineContext, incident: Incident): Promise<void> {
  if (incident.status === 'open' || !incident.paged?.length) return;
  const route = s.config.routes.get(incident.route_id);
  const alerts = incident.fingerprints
    .map((fp) => s.alerts.get(fp))
    .filter((r): r is NonNullable<typeof r> => r !== undefined && r.incident_id === incident.id);
  const { deliveries, keys } = decideNotices(incident, {
    alerts,
    groupLabels: s.groupStage.get(incident.group_key)?.labels ?? {},
    // Unacknowledged, the group's own resolved notification (send_resolved) tells the route's receiver;
    // an acknowledged alert leaves the group's notifications, so then the notice tells them too.
    resolvedByGroup: route?.send_resolved && !incident.acked ? route.receiver : undefined,
    newId: s.newId,
    now: s.clock.now(),
  });
  if (keys.length === 0) return;
  incident.notices = [...(incident.notices ?? []), ...keys];
  await s.store.put('incidents', incident.id, incident);
  for (const d of deliveries) await enqueueTo(s, d.data, d.receiver, d.contact, d.chain);
}

/** Due now: start the send right away (no timer round trip); later: on the scheduler. */
export function scheduleDelivery(s: EngineContext, id: string, at: number): void {
  // Stopped (or not started): the job waits in the heap and the store for the next start.
  if (at <= s.clock.now() && !s.scheduler.isStopped) {
    s.scheduler.cancel(`d:${id}`);
    dispatch(s, id);
  } else s.scheduler.schedule(`d:${id}`, at);
}

/** Starts a send outside the queue; its outcome comes back through the queue. */
export function dispatch(s: EngineContext, id: string): void {
  const job = s.jobs.get(id);
  if (!job) return;
  if (job.answered !== undefined && job.answered.step === job.step) {
    settleAnswered(s, id, job, job.answered);
    return;
  }
  const address = job.chain[job.step];
  const span = s.tracer?.startSpan('notify.deliver', {
    attributes: {
      'notify.channel': address?.channel ?? 'none',
      'notify.receiver': job.receiver,
      'notify.notification_id': job.notification.id,
      'notify.attempt': job.attempt + 1,
    },
  });
  // Record the attempt before sending: once the marker is in the store, a restart knows this page
  // may have gone out (the at-least-once window: a provider that accepted but did not answer) and
  // resends it under the same idempotency key instead of creating a new page.
  job.in_flight = { step: job.step, at: s.clock.now() };
  void s.store.put('deliveries', id, job);
  let recorded = false;
  const p = s.store
    .durable()
    .then(() => {
      recorded = true;
      return s.deliverStage.attempt(job, () => s.clock.now());
    })
    .then((outcome) => {
      if (span) {
        span.setAttribute('notify.outcome', outcome.kind);
        const failed = outcome.kind !== 'sent' && outcome.kind !== 'wait';
        span.setStatus(
          failed ? { code: 2, message: outcome.receipt.error?.code ?? outcome.kind } : { code: 1 },
        );
        span.end();
      }
      return outcome;
    })
    .then(
      (outcome) => {
        if (outcome.kind === 'sent') journalAnswer(s, id, job, outcome);
        return s.run(() => applyOutcome(s, id, job, outcome));
      },
      (err: unknown) => {
        if (!recorded) {
          // The attempt could not be recorded (store down, lease lost): nothing was sent. Try again later.
          s.logger.warn(
            { component: 'notify', delivery: id, err: s.vault.redact(String(err)) },
            'attempt not recorded, not sent; retrying later',
          );
          return s.run(() => {
            if (s.jobs.get(id) !== job) return;
            job.next_at = s.clock.now() + STORE_RETRY_MS;
            scheduleDelivery(s, id, job.next_at);
          });
        }
        s.logger.error(
          { component: 'notify', delivery: id, err: s.vault.redact(String(err)) },
          'delivery attempt crashed',
        );
        return s.run(() =>
          // A bug, not a provider answer: stop this job rather than loop on it.
          applyOutcome(s, id, job, {
            kind: 'failed',
            receipt: s.deliverStage.receipt(job, job.chain[job.step], 'failed', s.clock.now(), {
              ok: false,
              retryable: false,
              code: 'internal',
              message: s.vault.redact(String(err)),
            }),
          }),
        );
      },
    );
  trackOutcome(s, id, p);
}

/**
 * Keeps a delivery's outcome in `inflight` until it is stored (`settle()` waits for it). Its write may
 * fail (store down): logged; the job stays stored and is retried after a restart.
 */
function trackOutcome(s: EngineContext, id: string, outcome: Promise<unknown>): void {
  const p = outcome
    .catch((err: unknown) => {
      s.logger.error(
        { component: 'notify', delivery: id, err: s.vault.redact(String(err)) },
        'delivery outcome not stored',
      );
    })
    .finally(() => s.inflight.delete(p));
  s.inflight.add(p);
}

/**
 * Stores a provider's acceptance the moment it arrives, ahead of the queue: the outcome itself waits
 * for its turn on the queue (seconds under load), and a process killed meanwhile must not page again
 * (decision 0052). A job already cancelled is left alone: its delete is in the store or on its way.
 */
function journalAnswer(s: EngineContext, id: string, job: DeliveryJob, outcome: SentOutcome): void {
  if (s.jobs.get(id) !== job) return;
  delete job.in_flight;
  job.answered = {
    step: job.step,
    at: s.clock.now(),
    ...(outcome.receipt.provider_message_id
      ? { provider_message_id: outcome.receipt.provider_message_id }
      : {}),
    ...(outcome.message.template !== undefined ? { template: true } : {}),
  };
  // A failed write stays buffered for the next batch (and reaches the store's onError); the outcome
  // written through the queue supersedes it either way.
  s.store.putNow('deliveries', id, job).catch(() => undefined);
}

/**
 * A job whose send a provider accepted before the process stopped (loaded with `answered`): not sent
 * again; the rest of its outcome is applied on the queue, with a receipt rebuilt from the record.
 */
function settleAnswered(
  s: EngineContext,
  id: string,
  job: DeliveryJob,
  answered: NonNullable<DeliveryJob['answered']>,
): void {
  const address = job.chain[job.step];
  const receipt: DeliveryReceipt = {
    ...s.deliverStage.receipt(job, address, 'sent', answered.at),
    ...(answered.provider_message_id ? { provider_message_id: answered.provider_message_id } : {}),
  };
  const p = s.run(() =>
    s.jobs.get(id) === job
      ? applySent(s, id, job, receipt, {
          template: answered.template === true,
          note: 'answered before a restart',
        })
      : undefined,
  );
  trackOutcome(s, id, p);
}

type SentOutcome = Extract<AttemptOutcome, { kind: 'sent' }>;

/** The outcome of an accepted send: receipt, log line, who was paged, the job's end. */
async function applySent(
  s: EngineContext,
  id: string,
  job: DeliveryJob,
  receipt: DeliveryReceipt,
  how: { template: boolean; durationMs?: number; note?: string },
): Promise<void> {
  emit(s, receipt);
  logLine(s, job, receipt, how.note ? `sent (${how.note})` : 'sent', how.durationMs);
  const address = job.chain[job.step];
  if (receipt.provider_message_id && address?.channel === 'whatsapp')
    rememberSent(s, receipt.provider_message_id, job, how.template);
  // A page that went out after its incident was acknowledged or resolved owes that notice too.
  for (const incident of await recordNotified(s, job)) await tellPaged(s, incident);
  s.jobs.delete(id);
  await s.store.delete('deliveries', id);
}

/** Applies the outcome of one attempt: receipt, log line, then done, retry, failover or give up. */
export async function applyOutcome(
  s: EngineContext,
  id: string,
  job: DeliveryJob,
  outcome: AttemptOutcome,
): Promise<void> {
  delete job.in_flight;
  // Acknowledged (or otherwise cancelled) while the send was in flight: nothing more happens, except
  // that whoever this page reached is owed the incident's notice too.
  if (s.jobs.get(id) !== job) {
    if (outcome.kind === 'sent') {
      emit(s, outcome.receipt);
      for (const incident of await recordNotified(s, job)) await tellPaged(s, incident);
    }
    return;
  }
  switch (outcome.kind) {
    case 'sent':
      return applySent(s, id, job, outcome.receipt, {
        template: outcome.message.template !== undefined,
        durationMs: outcome.duration_ms,
      });
    case 'failed': {
      emit(s, outcome.receipt);
      logLine(s, job, outcome.receipt, 'failed for good on every channel', outcome.duration_ms);
      s.jobs.delete(id);
      await s.store.delete('deliveries', id);
      return;
    }
    case 'wait':
    case 'retry':
    case 'failover': {
      if (outcome.kind !== 'wait') {
        emit(s, outcome.receipt);
        logLine(
          s,
          job,
          outcome.receipt,
          outcome.kind === 'failover' ? `failing over to ${job.chain[job.step]?.channel}` : 'will retry',
          outcome.duration_ms,
        );
      }
      job.next_at = outcome.at;
      await s.store.put('deliveries', id, job);
      scheduleDelivery(s, id, outcome.at);
      return;
    }
  }
}

/** Logs one structured line for a delivery attempt (secrets are already redacted). */
export function logLine(
  s: EngineContext,
  job: DeliveryJob,
  r: DeliveryReceipt,
  msg: string,
  durationMs?: number,
): void {
  const line = {
    component: 'notify',
    contract: 'notify',
    version: 1,
    operation: 'deliver',
    target: r.channel,
    outcome: r.status,
    attempt: r.attempts,
    ...(durationMs !== undefined ? { duration_ms: durationMs } : {}),
    correlation_id: job.notification.id,
    delivery: job.id,
    receiver: job.receiver,
    contact: job.contact,
    ...(r.error ? { error_code: r.error.code, error: r.error.message } : {}),
  };
  if (r.status === 'sent') s.logger.info(line, msg);
  else s.logger.warn(line, msg);
}

/** Hands a receipt to `onReceipt`; a throwing callback is logged, never propagated. */
export function emit(s: EngineContext, receipt: DeliveryReceipt): void {
  try {
    s.onReceipt?.(receipt);
  } catch (err) {
    s.logger.error({ component: 'notify', err: s.vault.redact(String(err)) }, 'onReceipt threw');
  }
}

/** Remembers a sent WhatsApp message so a late status webhook can be matched (bounded). */
export function rememberSent(
  s: EngineContext,
  providerId: string,
  job: DeliveryJob,
  template: boolean,
): void {
  const address = job.chain[job.step];
  if (!address) return;
  s.sent.set(providerId, {
    job: structuredClone(job),
    channel: address.channel,
    to: address.to,
    template,
  });
  if (s.sent.size > MAX_SENT_REMEMBERED) {
    const first = s.sent.keys().next().value;
    if (first !== undefined) s.sent.delete(first);
  }
}
