// A group flush: the decision (inhibit -> silence / time intervals -> dedup, src/stages/flush-decision.ts),
// then escalate -> deliver, and persisting what changed.
import { nflogKey } from '../stages/dedup.js';
import { decideFlush } from '../stages/flush-decision.js';
import type { GroupState } from '../stages/group.js';
import type { AlertRecord } from '../types.js';
import { buildNotification } from './build.js';
import { type EngineContext, storedGroup } from './context.js';
import { enqueue } from './delivery.js';
import { openIncident, settleIncidentOf } from './incidents.js';

/** Flushes a group: mutes, dedups, opens incidents, enqueues deliveries and schedules the next flush. */
export async function flushGroup(s: EngineContext, key: string): Promise<void> {
  const group = s.groupStage.get(key);
  if (!group) return;
  const route = s.config.routes.get(group.route_id);
  const now = s.clock.now();
  if (!route) {
    // The configuration changed and the route is gone: drop the group.
    await dropGroup(s, group, group.fingerprints);
    return;
  }
  const records = group.fingerprints.map((fp) => s.alerts.get(fp)).filter((r): r is AlertRecord => !!r);
  for (const r of records) if (r.status === 'firing') await expireIfDue(s, r, now);
  const receiver = group.receiver;
  const { firing, resolved, removable, nflog } = decideFlush(
    { muter: s.muter, dedup: s.dedupStage },
    records,
    route,
    receiver,
    key,
    now,
  );
  if (nflog) {
    const fresh = firing.filter(
      (r) => !r.incident_id || s.escalateStage.get(r.incident_id)?.status === 'resolved',
    );
    if (fresh.length > 0) await openIncident(s, fresh, group, route, now);
    const shown = route.send_resolved ? [...firing, ...resolved] : firing;
    if (shown.length > 0) {
      await enqueue(
        s,
        buildNotification(
          s,
          'group',
          receiver,
          group.key,
          group.labels,
          firing,
          route.send_resolved ? resolved : [],
          now,
        ),
        receiver,
      );
    }
    s.dedupStage.record(nflog);
    await s.store.put('nflog', nflogKey(receiver, key), nflog);
  }
  if (removable.length > 0) await dropFromGroup(s, group, removable);
  const current = s.groupStage.get(key);
  if (!current) return;
  if (current.fingerprints.length === 0) {
    await dropGroup(s, current, []);
    return;
  }
  current.next_flush_at = now + route.group_interval;
  s.scheduler.schedule(`g:${key}`, current.next_flush_at);
  await s.store.put('groups', key, storedGroup(current));
}

/** A firing alert past its `ends_at`, or silent for `resolve_timeout`, resolves (Alertmanager). */
export async function expireIfDue(s: EngineContext, r: AlertRecord, now: number): Promise<void> {
  const endsAt = r.ends_at !== undefined ? Date.parse(r.ends_at) : Number.NaN;
  const timeout = s.config.resolveTimeout;
  const byEnd = !Number.isNaN(endsAt) && endsAt <= now;
  const byTimeout = timeout !== undefined && now - r.updated_at >= timeout;
  if (!byEnd && !byTimeout) return;
  r.status = 'resolved';
  if (!byEnd) r.ends_at = new Date(now).toISOString();
  r.updated_at = now;
  s.inhibitStage.observe(r);
  await s.store.put('alerts', r.fingerprint, r);
  await settleIncidentOf(s, r);
}

/** Removes alerts from a group and forgets those no group holds any more. */
export async function dropFromGroup(s: EngineContext, group: GroupState, fps: string[]): Promise<void> {
  for (const fp of s.groupStage.remove(group.key, fps)) {
    const r = s.alerts.get(fp);
    if (r) s.inhibitStage.forget(r);
    s.alerts.delete(fp);
    s.overflow.candidates.delete(fp);
    await s.store.delete('alerts', fp);
  }
}

/** Deletes a group with its timer and notification log entry. */
export async function dropGroup(s: EngineContext, group: GroupState, fps: string[]): Promise<void> {
  if (fps.length > 0) await dropFromGroup(s, group, fps);
  s.groupStage.delete(group.key);
  s.scheduler.cancel(`g:${group.key}`);
  s.dedupStage.delete(group.receiver, group.key);
  await s.store.delete('groups', group.key);
  await s.store.delete('nflog', nflogKey(group.receiver, group.key));
}
