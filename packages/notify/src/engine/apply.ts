// The one place a stage's changes are applied: to the engine's working state and, through the group
// commit buffer, to the store (the queue task's batch). Stages decide; this persists.
import type { DeliveryJob, GroupState, Incident, NotificationLogEntry } from '../model.js';
import type { Change, StateCollection } from '../stages/stage.js';
import type { AlertRecord } from '../types.js';
import { type EngineContext, storedGroup } from './context.js';
import { scheduleDelivery } from './delivery.js';

/** Applies changes in order. */
export function applyChanges(s: EngineContext, changes: readonly Change[]): void {
  for (const c of changes) {
    switch (c.op) {
      case 'put':
        applyPut(s, c.collection, c.key, c.doc);
        break;
      case 'join':
        s.groupStage.join(c.group, c.fingerprint);
        break;
      case 'carry':
        s.eventLog.carry(c.key, c.expires_at);
        break;
      case 'schedule':
        // A delivery due now starts at once (no timer round trip); other timers go on the scheduler.
        if (c.timer.startsWith('d:')) scheduleDelivery(s, c.timer.slice(2), c.at);
        else s.scheduler.schedule(c.timer, c.at);
        break;
    }
  }
}

function applyPut(s: EngineContext, collection: StateCollection, key: string, doc: object): void {
  switch (collection) {
    case 'alerts': {
      const record = doc as AlertRecord;
      s.alerts.set(key, record);
      s.inhibitStage.observe(record);
      void s.store.put('alerts', key, record);
      return;
    }
    case 'groups': {
      const group = s.groupStage.upsert(doc as GroupState);
      void s.store.put('groups', key, storedGroup(group));
      return;
    }
    case 'nflog':
      s.dedupStage.record(doc as NotificationLogEntry);
      void s.store.put('nflog', key, doc);
      return;
    case 'incidents':
      s.escalateStage.restore(doc as Incident);
      void s.store.put('incidents', key, doc);
      return;
    case 'deliveries':
      s.jobs.set(key, doc as DeliveryJob);
      void s.store.put('deliveries', key, doc);
      return;
    case 'events': {
      const e = doc as { key: string; expires_at: number };
      s.eventLog.add(e.key, e.expires_at);
      void s.store.put('events', key, doc);
      return;
    }
  }
}
