// The dead-man's switch in the engine: applies the heartbeat decisions (src/stages/heartbeat.ts):
// stores each site's record with its deadline, arms its timer (`b:<key>`), hands back the alert to ingest.
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Alert } from '@fieldops/contracts/notify/v1';
import {
  HEARTBEAT_EVENT_TYPE,
  type HeartbeatChange,
  type HeartbeatData,
  type HeartbeatRecord,
  onExpectedSite,
  onHeartbeat,
  onHeartbeatDue,
  onHeartbeatLoaded,
} from '../stages/heartbeat.js';
import type { IngestInput } from '../stages/ingest.js';
import type { EngineContext } from './context.js';

/** The scheduler key of a site's heartbeat deadline. */
export function heartbeatTimer(key: string): string {
  return `b:${key}`;
}

/** True for a site agent heartbeat event while the dead-man's switch is on. */
export function isHeartbeat(s: EngineContext, input: IngestInput): input is CloudEvent {
  return (
    s.config.heartbeat !== undefined &&
    typeof (input as CloudEvent).specversion === 'string' &&
    (input as CloudEvent).type === HEARTBEAT_EVENT_TYPE
  );
}

/** A heartbeat arrived: moves the site's deadline; returns the alerts it resolves or raises (monitors). */
export async function observeHeartbeat(s: EngineContext, event: CloudEvent, now: number): Promise<Alert[]> {
  const settings = s.config.heartbeat;
  const data = event.data as Partial<HeartbeatData> | undefined;
  // Validation off and a malformed heartbeat: it proves nothing.
  if (
    !settings ||
    typeof data?.agent !== 'string' ||
    !(typeof data.interval_s === 'number' && data.interval_s > 0)
  )
    return [];
  const key = data.site_id ?? data.agent;
  return apply(s, onHeartbeat(s.heartbeats.get(key), data as HeartbeatData, settings, now));
}

/** A site's deadline timer is due: raises (or re-asserts) its alert when the silence lasted. */
export async function heartbeatDue(s: EngineContext, key: string): Promise<Alert[]> {
  const record = s.heartbeats.get(key);
  const settings = s.config.heartbeat;
  if (!record || !settings) return [];
  return apply(s, onHeartbeatDue(record, settings, s.clock.now()));
}

/** Restores a stored record on start and re-arms its timer. */
export function restoreHeartbeat(s: EngineContext, record: HeartbeatRecord, now: number): void {
  s.heartbeats.set(record.key, record);
  if (s.config.heartbeat) s.scheduler.schedule(heartbeatTimer(record.key), onHeartbeatLoaded(record, now));
}

/** On start: every expected site without a record is watched from now (config `expected_sites`). */
export async function watchExpectedSites(s: EngineContext, now: number): Promise<void> {
  const settings = s.config.heartbeat;
  if (!settings || settings.missingAfter === undefined) return;
  for (const site of settings.expectedSites) {
    if (!s.heartbeats.has(site)) await apply(s, onExpectedSite(site, settings.missingAfter, now));
  }
}

async function apply(s: EngineContext, change: HeartbeatChange): Promise<Alert[]> {
  s.heartbeats.set(change.record.key, change.record);
  await s.store.put('heartbeats', change.record.key, change.record);
  s.scheduler.schedule(heartbeatTimer(change.record.key), change.check_at);
  return change.alerts;
}
