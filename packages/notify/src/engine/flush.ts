// A group flush: the flush stages of the pipeline (inhibit -> silence -> time intervals -> dedup ->
// escalate -> deliver, src/engine/pipeline.ts), each stage's changes applied as it goes; then the
// group's own upkeep: resolved alerts leave it, and its next flush is scheduled (or it is dropped).
import { nflogKey } from '../stages/dedup.js';
import { type Flush, startFlush } from '../stages/flush-state.js';
import type { GroupState } from '../stages/group.js';
import type { AlertRecord } from '../types.js';
import { type EngineContext, storedGroup } from './context.js';
import { releaseEventKey } from './event-keys.js';
import { settleIncidentOf } from './incidents.js';
import { runStages } from './pipeline.js';

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
  const run = runStages<Flush>(s.pipeline.onFlush, startFlush(group, route, records), now, s.apply);
  const removable = run.next?.removable ?? [];
  if (removable.length > 0) await dropFromGroup(s, group, [...removable]);
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
    if (r) {
      s.inhibitStage.forget(r);
      releaseEventKey(s, r);
    }
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
