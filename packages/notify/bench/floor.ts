// The floor under the memory-store goal (issue 14 item 9): the work any notify engine must do for an
// event of the bench's workload, done in one plain loop with no engine around it. Each event is
// validated against its contract, mapped to an alert by the real source adapter, fingerprinted,
// kept as a record, remembered by its event key, put in its group, and stored as a JSON copy (what
// the default memory store keeps, as a real store would). No queue, no stage, no batch, no answer
// to a caller: an engine can approach this rate, not pass it. Measured in the same process as the
// engine runs it is compared with.
import { type CloudEvent, EventSchemas, type EventType, eventKey } from '@fieldops/contracts/events/v1';
import type { RouteNode } from '../src/config.js';
import { fingerprintOf } from '../src/fingerprint.js';
import { DEFAULT_SOURCES } from '../src/sources/index.js';
import { groupKeyOf } from '../src/stages/group.js';
import type { Labels } from '../src/types.js';

/** The route every bench event goes to: grouped by alertname and site (bench/fixtures.ts). */
const ROUTE = { id: '0.1', group_by: ['alertname', 'site'] } as unknown as RouteNode;

/** One pass of the floor loop over `events`; returns its wall time in ms. */
function pass(events: readonly CloudEvent[]): number {
  const alerts = new Map<string, object>();
  const keys = new Map<string, number>();
  const groups = new Map<string, Set<string>>();
  const stored = new Map<string, string>();
  const t0 = performance.now();
  for (const input of events) {
    const r = EventSchemas[input.type as EventType].safeParse(input);
    if (!r.success) throw new Error(`floor: ${input.type} failed its contract`);
    const event = r.data as CloudEvent;
    const draft = DEFAULT_SOURCES[event.type]?.(event);
    if (!draft) throw new Error(`floor: no alert for ${event.type}`);
    const labels: Labels = {};
    for (const k in draft.labels) if (k !== 'severity') labels[k] = draft.labels[k] as string;
    const fingerprint = fingerprintOf(labels);
    labels.severity = draft.severity;
    const record = {
      fingerprint,
      labels,
      annotations: draft.annotations,
      severity: draft.severity,
      status: draft.status,
      starts_at: draft.starts_at,
      updated_at: t0,
      source: event.source,
      event_id: event.id,
    };
    alerts.set(fingerprint, record);
    keys.set(eventKey(event), t0);
    const key = groupKeyOf(ROUTE, labels);
    let members = groups.get(key);
    if (!members) {
      members = new Set();
      groups.set(key, members);
    }
    members.add(fingerprint);
    stored.set(fingerprint, JSON.stringify(record));
  }
  const ms = performance.now() - t0;
  if (alerts.size !== events.length || stored.size !== events.length)
    throw new Error('floor: the workload must be one alert per event');
  return ms;
}

/** The floor's rate for `events`, best of `rounds` passes: events/s of wall-clock time. */
export function floorRate(events: readonly CloudEvent[], rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) best = Math.min(best, pass(events));
  return (events.length / best) * 1000;
}
