// Incidents: opening, escalation steps, resolution and acknowledgement.
import type { RouteNode } from '../config.js';
import { NotifyAckError, NotifyAckForbiddenError } from '../errors.js';
import type { Incident } from '../stages/escalate.js';
import type { GroupState } from '../stages/group.js';
import type { AckInfo, AcknowledgeInput, AcknowledgeResult, AlertRecord } from '../types.js';
import { buildNotification, muted } from './build.js';
import { type EngineContext, MUTED_RECHECK_MS } from './context.js';
import { emit, enqueue, tellPaged } from './delivery.js';
import { addressKey } from './notified.js';

/** Opens an incident (ack code, escalation timer) for alerts notified for the first time. */
export async function openIncident(
  s: EngineContext,
  records: AlertRecord[],
  group: GroupState,
  route: RouteNode,
  now: number,
): Promise<void> {
  const incident = s.escalateStage.open(
    {
      id: s.newId('inc'),
      group_key: group.key,
      route_id: route.id,
      policy: route.escalation,
      fingerprints: records.map((r) => r.fingerprint),
    },
    now,
  );
  for (const r of records) {
    r.incident_id = incident.id;
    await s.store.put('alerts', r.fingerprint, r);
  }
  await s.store.put('incidents', incident.id, incident);
  if (incident.next_at !== undefined) s.scheduler.schedule(`e:${incident.id}`, incident.next_at);
}

/** The alerts of an incident that still fire unacknowledged in this episode. */
export function activeAlertsOf(s: EngineContext, incident: Incident): AlertRecord[] {
  const out: AlertRecord[] = [];
  for (const fp of incident.fingerprints) {
    const r = s.alerts.get(fp);
    if (r && r.status === 'firing' && !r.acked && r.incident_id === incident.id) out.push(r);
  }
  return out;
}

/** Takes the escalation step that is due for an incident and schedules the next one. */
export async function escalate(s: EngineContext, id: string): Promise<void> {
  const incident = s.escalateStage.get(id);
  if (incident?.status !== 'open') return;
  const now = s.clock.now();
  const active = activeAlertsOf(s, incident);
  if (active.length === 0) {
    s.escalateStage.resolve(incident);
    await s.store.put('incidents', id, incident);
    await tellPaged(s, incident);
    return;
  }
  const route = s.config.routes.get(incident.route_id);
  const audible = route ? active.filter((r) => !muted(s, r, route, now)) : active;
  if (audible.length === 0) {
    // Silenced, inhibited or in quiet hours: hold the level and look again later.
    incident.next_at = now + MUTED_RECHECK_MS;
    s.scheduler.schedule(`e:${id}`, incident.next_at);
    await s.store.put('incidents', id, incident);
    return;
  }
  const step = s.escalateStage.advance(incident, now);
  if (step) {
    const group = s.groupStage.get(incident.group_key);
    for (const receiver of step.receivers) {
      const data = buildNotification(
        s,
        'escalation',
        receiver,
        incident.group_key,
        group?.labels ?? {},
        audible,
        [],
        now,
        {
          level: step.level,
          loop: step.loop,
        },
      );
      await enqueue(s, data, receiver);
    }
    s.logger.info({ component: 'notify', incident: id, level: step.level, loop: step.loop }, 'escalated');
  }
  if (incident.next_at !== undefined) s.scheduler.schedule(`e:${id}`, incident.next_at);
  await s.store.put('incidents', id, incident);
}

/** When every alert of an incident resolved, the incident resolves and its pending work stops. */
export async function settleIncidentOf(s: EngineContext, record: AlertRecord): Promise<void> {
  const incident = record.incident_id ? s.escalateStage.get(record.incident_id) : undefined;
  if (incident && incident.status !== 'resolved') {
    const stillFiring = incident.fingerprints.some((fp) => {
      const r = s.alerts.get(fp);
      return r?.status === 'firing' && r.incident_id === incident.id;
    });
    if (!stillFiring) {
      s.escalateStage.resolve(incident);
      s.scheduler.cancel(`e:${incident.id}`);
      await s.store.put('incidents', incident.id, incident);
      await tellPaged(s, incident);
    }
  }
  await cancelStaleDeliveries(s);
}

/** Acknowledges an incident or alert and cancels everything pending for it. */
export async function acknowledgeNow(s: EngineContext, input: AcknowledgeInput): Promise<AcknowledgeResult> {
  const now = s.clock.now();
  let incident: Incident | undefined;
  let record: AlertRecord | undefined;
  if (input.ack_code) incident = s.escalateStage.byAckCode(input.ack_code);
  else if (input.fingerprint) {
    record = s.alerts.get(input.fingerprint);
    if (record?.incident_id) incident = s.escalateStage.get(record.incident_id);
  }
  if (!incident && !record) {
    throw new NotifyAckError(
      input.ack_code
        ? `acknowledge: no incident with code ${input.ack_code}`
        : `acknowledge: no alert ${input.fingerprint ?? '(none given)'}`,
    );
  }
  // A reply (WhatsApp, email, …) acknowledges only when it comes from an address that was notified
  // for this incident; API acks are authenticated by the caller (the HTTP API needs an operator token).
  const via = input.via ?? 'api';
  if (via !== 'api') {
    const key = input.from ? addressKey(input.from) : undefined;
    if (!incident || key === undefined || !incident.notified?.includes(key)) {
      s.logger.warn(
        { component: 'notify', operation: 'acknowledge', incident: incident?.id, via },
        'acknowledgement refused: not from a notified contact',
      );
      throw new NotifyAckForbiddenError(
        `acknowledge: ${via} reply from an address that was not notified for incident ${input.ack_code ?? input.fingerprint ?? ''}`,
      );
    }
  }
  const info: AckInfo = {
    by: input.by,
    via: input.via ?? 'api',
    at: new Date(now).toISOString(),
    ...(input.note ? { note: input.note } : {}),
  };
  const already = incident?.status === 'acknowledged';
  let cancelledEscalation = false;
  if (incident && incident.status === 'open') {
    s.escalateStage.acknowledge(incident, info);
    cancelledEscalation = s.scheduler.cancel(`e:${incident.id}`);
    await s.store.put('incidents', incident.id, incident);
  }
  const fps = incident ? incident.fingerprints : [record!.fingerprint];
  for (const fp of fps) {
    const r = s.alerts.get(fp);
    if (r?.status !== 'firing' || r.acked) continue;
    if (incident && r.incident_id !== incident.id) continue;
    r.acked = info;
    await s.store.put('alerts', fp, r);
  }
  const cancelled = await cancelStaleDeliveries(s);
  // After the cancellation, so the notices just queued are not among what it cancels.
  if (incident && !already) await tellPaged(s, incident);
  s.logger.info(
    {
      component: 'notify',
      incident: incident?.id,
      by: info.by,
      via: info.via,
      cancelled_deliveries: cancelled,
    },
    'acknowledged',
  );
  return {
    acknowledgement: {
      ack_code: incident?.ack_code ?? input.ack_code ?? (input.fingerprint as string).slice(0, 32),
      by: info.by,
      via: info.via,
      at: info.at,
      ...(info.note ? { note: info.note } : {}),
    },
    incident_id: incident?.id,
    ack_code: incident?.ack_code,
    fingerprints: fps,
    already_acknowledged: already,
    cancelled_deliveries: cancelled,
    cancelled_escalation: cancelledEscalation,
  };
}

/** Cancels every pending firing delivery whose alerts are all acknowledged, resolved or gone. */
export async function cancelStaleDeliveries(s: EngineContext): Promise<number> {
  let n = 0;
  for (const job of [...s.jobs.values()]) {
    if (job.notification.firing.length === 0 || job.notification.notice) continue;
    // Already accepted by its provider (decision 0052): not pending any more; its outcome, on its way,
    // records who was paged and the notice they are owed.
    if (job.answered !== undefined && job.answered.step === job.step) continue;
    const live = job.notification.firing.some((fp) => {
      const r = s.alerts.get(fp);
      return r !== undefined && r.status === 'firing' && !r.acked;
    });
    if (live) continue;
    s.jobs.delete(job.id);
    s.scheduler.cancel(`d:${job.id}`);
    await s.store.delete('deliveries', job.id);
    const address = job.chain[job.step];
    emit(s, s.deliverStage.receipt(job, address, 'suppressed', s.clock.now()));
    n++;
  }
  return n;
}
