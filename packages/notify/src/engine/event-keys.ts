// Event keys carried by alert documents (decision 0048): an ingest writes the alert's document only,
// and the document carries the event's key (its `source` + `event_id`). When the document goes away,
// the key it carries gets a document of its own for as long as it is remembered.
import { carriedEventKey } from '../stages/ingest.js';
import type { AlertRecord } from '../types.js';
import type { EngineContext } from './context.js';

/**
 * An alert's document is about to be deleted: the event key it carries, while still remembered, is
 * written as its own `events` document in the same queue task (so a re-sent event stays a duplicate
 * after a restart).
 */
export function releaseEventKey(s: EngineContext, record: AlertRecord): void {
  const key = carriedEventKey(record);
  if (key === undefined) return;
  const until = s.eventLog.carriedUntil(key, s.clock.now());
  if (until === undefined) return;
  s.eventLog.add(key, until);
  void s.store.put('events', key, { key, expires_at: until });
}

/** On start: the event key an alert's document carries is remembered until its last change + the TTL. */
export function restoreCarriedEventKey(s: EngineContext, record: AlertRecord, now: number): void {
  const key = carriedEventKey(record);
  if (key === undefined) return;
  // The record's `updated_at` is the time of the input that carried the key or later (an expiry), so
  // the key is remembered at least as long as before the restart.
  const until = record.updated_at + s.config.eventKeyTtl;
  if (until > now) s.eventLog.carry(key, until);
}
