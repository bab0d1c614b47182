// Engine state on start and over time: loading from the store, and housekeeping.
import type { NotificationLogEntry } from '../stages/dedup.js';
import type { DeliveryJob } from '../stages/deliver.js';
import type { Incident } from '../stages/escalate.js';
import type { GroupState } from '../stages/group.js';
import type { HeartbeatRecord } from '../stages/heartbeat.js';
import type { Silence } from '../stages/silence.js';
import { STORE_COLLECTIONS, type StoreCollection } from '../store/store.js';
import type { AlertRecord } from '../types.js';
import {
  type EngineContext,
  HOUSEKEEPING_EVERY_MS,
  HOUSEKEEPING_KEY,
  SILENCE_RETENTION_MS,
  storedGroup,
} from './context.js';
import { restoreCarriedEventKey } from './event-keys.js';
import { EventLoopTurn } from './event-loop-turn.js';
import { restoreHeartbeat, watchExpectedSites } from './heartbeats.js';

/** Loads the state from the store and re-arms every pending timer. */
export async function load(s: EngineContext): Promise<void> {
  const now = s.clock.now();
  // Every collection is asked for at once: a server store reads the next while this process parses
  // the last. Each is taken in bulk (one JSON text per page, see the SQL store's `list`).
  const lists = new Map(STORE_COLLECTIONS.map((c) => [c, s.store.list<unknown>(c)] as const));
  // Those not reached yet must not reject unhandled while an earlier one is worked on.
  for (const p of lists.values()) p.catch(() => undefined);
  const list = <T>(c: StoreCollection) => lists.get(c) as Promise<T[]>;
  // A restart of 100,000 escalations is seconds of work: the event loop gets a turn every 10 ms of
  // it, so the lease renewal (and, on a server store, the answers of the next lists) are not held up.
  const turn = new EventLoopTurn();
  let n = 0;
  const every1024 = (): boolean => (++n & 1023) === 0;
  // Pending group flushes, escalations and deliveries, put on the scheduler in one pass at the end.
  const due: [key: string, at: number][] = [];
  for (const g of await list<GroupState>('groups')) s.groupStage.restore(g);
  // Group membership is not stored: routing is deterministic, so each alert is routed again.
  for (const a of await list<AlertRecord>('alerts')) {
    s.alerts.set(a.fingerprint, a);
    if (a.severity !== 'critical') s.overflow.candidates.add(a.fingerprint);
    s.inhibitStage.observe(a);
    restoreCarriedEventKey(s, a, now);
    for (const route of s.routeTree.match(a.labels)) {
      const { group, created } = s.groupStage.insert(
        route,
        a.labels,
        a.fingerprint,
        now,
        Date.parse(a.starts_at),
      );
      if (created) await s.store.put('groups', group.key, storedGroup(group));
    }
    if (every1024()) await turn.yieldIfDue();
  }
  for (const g of [...s.groupStage.all()]) {
    if (g.fingerprints.length === 0) {
      s.groupStage.delete(g.key);
      await s.store.delete('groups', g.key);
    } else due.push([`g:${g.key}`, g.next_flush_at]);
  }
  for (const e of await list<NotificationLogEntry>('nflog')) {
    s.dedupStage.record(e);
    if (every1024()) await turn.yieldIfDue();
  }
  for (const i of await list<Incident>('incidents')) {
    s.escalateStage.restore(i);
    if (i.status === 'open' && i.next_at !== undefined) due.push([`e:${i.id}`, i.next_at]);
    if (every1024()) await turn.yieldIfDue();
  }
  let unanswered = 0;
  let answered = 0;
  for (const j of await list<DeliveryJob>('deliveries')) {
    s.jobs.set(j.id, j);
    // Recorded before its send and never answered: the process died mid-send. Sent again now, under
    // the same idempotency key (the at-least-once window the README describes). Answered but its
    // outcome not applied: not sent again; the outcome is applied now (dispatch).
    const settled = j.answered !== undefined && j.answered.step === j.step;
    if (settled) answered++;
    else if (j.in_flight) unanswered++;
    due.push([`d:${j.id}`, settled || j.in_flight ? Math.min(j.next_at, now) : j.next_at]);
    if (every1024()) await turn.yieldIfDue();
  }
  s.scheduler.scheduleMany(due);
  for (const h of await list<HeartbeatRecord>('heartbeats')) restoreHeartbeat(s, h, now);
  await watchExpectedSites(s, now);
  for (const silence of await list<Silence>('silences')) s.silenceStage.put(silence);
  for (const w of await list<{ phone: string; at: number }>('windows')) s.windows.touch(w.phone, w.at);
  for (const e of await list<{ key: string; expires_at: number }>('events')) {
    if (e.expires_at > now) s.eventLog.add(e.key, e.expires_at);
    if (every1024()) await turn.yieldIfDue();
  }
  s.scheduler.schedule(HOUSEKEEPING_KEY, now + HOUSEKEEPING_EVERY_MS);
  s.scheduler.resume();
  s.logger.info(
    {
      component: 'notify',
      alerts: s.alerts.size,
      groups: s.groupStage.size,
      deliveries: s.jobs.size,
      unanswered_attempts: unanswered,
      answered_attempts: answered,
    },
    'notify engine started',
  );
}

/**
 * Forgets what nobody needs any more: expired event keys, silences that ended a day ago, and
 * incidents that are over and whose alerts are gone. Runs every 10 minutes on the scheduler.
 */
export async function housekeeping(s: EngineContext): Promise<void> {
  const now = s.clock.now();
  for (const key of s.eventLog.sweep(now)) await s.store.delete('events', key);
  for (const id of s.silenceStage.prune(now - SILENCE_RETENTION_MS)) await s.store.delete('silences', id);
  for (const incident of [...s.escalateStage.all()]) {
    if (incident.status === 'open') continue;
    const live = incident.fingerprints.some((fp) => s.alerts.get(fp)?.incident_id === incident.id);
    if (live) continue;
    s.escalateStage.delete(incident.id);
    await s.store.delete('incidents', incident.id);
  }
  s.scheduler.schedule(HOUSEKEEPING_KEY, now + HOUSEKEEPING_EVERY_MS);
}
