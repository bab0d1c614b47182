// Applies bus events (CloudEvents of @fieldops/contracts `events`) to the cockpit's state. Returns
// the site the event changed, or undefined when it changed nothing the cockpit shows.
import type { CockpitState, SiteState } from './state.js';
import { siteOf } from './state.js';

/** The fields of a CloudEvent the cockpit reads. */
export interface CockpitEvent {
  type: string;
  time?: string;
  data?: unknown;
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The site an event belongs to: its `site_id`, or the site that already holds the entity. */
function findSite(state: CockpitState, d: Data, kind: 'gateways' | 'devices' | 'stations', key: string) {
  const siteId = str(d.site_id);
  if (siteId) return siteOf(state, siteId);
  for (const site of state.sites.values()) if (site[kind].has(key)) return site;
  return undefined;
}

/** The event types the cockpit reads (every other type is ignored). */
export const COCKPIT_EVENT_TYPES = [
  'io.fieldops.chirpstack.gateway.offline.v1',
  'io.fieldops.chirpstack.gateway.online.v1',
  'io.fieldops.chirpstack.device.uplink.v1',
  'io.fieldops.chirpstack.device.status.v1',
  'io.fieldops.chirpstack.device.battery_low.v1',
  'io.fieldops.rfid.station.offline.v1',
  'io.fieldops.rfid.station.online.v1',
  'io.fieldops.rfid.station.health.v1',
  'io.fieldops.automation.run.started.v1',
  'io.fieldops.automation.run.succeeded.v1',
  'io.fieldops.automation.run.failed.v1',
  'io.fieldops.automation.run.cancelled.v1',
] as const;

/** Applies one event; returns the site it changed (undefined: nothing shown changed). */
export function applyEvent(state: CockpitState, event: CockpitEvent, maxRuns = 5): SiteState | undefined {
  const d = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Data;
  const t = event.type;
  if (t === 'io.fieldops.chirpstack.gateway.offline.v1' || t === 'io.fieldops.chirpstack.gateway.online.v1') {
    const eui = str(d.gateway_eui);
    if (!eui) return undefined;
    const site = findSite(state, d, 'gateways', eui);
    if (!site) return undefined;
    const prev = site.gateways.get(eui);
    const gwState = str(d.state);
    site.gateways.set(eui, {
      gateway_eui: eui,
      name: str(d.name) ?? prev?.name ?? eui,
      state: gwState === 'online' || gwState === 'offline' || gwState === 'never_seen' ? gwState : 'offline',
      last_seen_at: d.last_seen_at === null ? null : (str(d.last_seen_at) ?? prev?.last_seen_at ?? null),
    });
    return site;
  }
  if (t.startsWith('io.fieldops.chirpstack.device.')) {
    const eui = str(d.dev_eui);
    if (!eui) return undefined;
    const site = findSite(state, d, 'devices', eui);
    if (!site) return undefined;
    const prev = site.devices.get(eui);
    const row = {
      dev_eui: eui,
      name: str(d.name) ?? prev?.name ?? eui,
      last_seen_at: prev?.last_seen_at ?? null,
      battery_level: prev?.battery_level ?? null,
    };
    if (t === 'io.fieldops.chirpstack.device.uplink.v1') row.last_seen_at = event.time ?? row.last_seen_at;
    else if (
      t === 'io.fieldops.chirpstack.device.status.v1' ||
      t === 'io.fieldops.chirpstack.device.battery_low.v1'
    )
      row.battery_level = num(d.battery_level) ?? row.battery_level;
    else return undefined;
    site.devices.set(eui, row);
    return site;
  }
  if (t.startsWith('io.fieldops.rfid.station.')) {
    const id = str(d.station_id);
    if (!id) return undefined;
    const site = findSite(state, d, 'stations', id);
    if (!site) return undefined;
    const prev = site.stations.get(id) ?? { station_id: id, state: 'online' as const, backlog: null };
    if (t === 'io.fieldops.rfid.station.health.v1') {
      if (d.condition !== 'spool_backlog') return undefined;
      site.stations.set(id, { ...prev, backlog: d.status === 'resolved' ? 0 : num(d.value) });
      return site;
    }
    const s = str(d.state);
    const next = s === 'online' || s === 'offline' || s === 'degraded' || s === 'unclaimed' ? s : prev.state;
    site.stations.set(id, { ...prev, state: next });
    return site;
  }
  if (t.startsWith('io.fieldops.automation.run.')) {
    const siteId = str(d.site_id);
    const runId = str(d.automation_run_id);
    if (!siteId || !runId) return undefined;
    const site = siteOf(state, siteId);
    const row = {
      automation_run_id: runId,
      project: str(d.project) ?? '',
      status: str(d.status) ?? t.split('.').at(-2) ?? '',
      url: str(d.bundle_url) ?? null,
      at: event.time ?? '',
    };
    site.runs = [row, ...site.runs.filter((r) => r.automation_run_id !== runId)].slice(0, maxRuns);
    return site;
  }
  return undefined;
}
