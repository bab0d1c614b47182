// What the cockpit knows: per site its gateways, devices, stations and last runs (from the central
// fleet view and bus events), and the incidents with their alerts (from notify). Plain data, one
// writer (the cockpit); the surfaces are built from it.

/** A gateway as the cockpit shows it. */
export interface GatewayRow {
  gateway_eui: string;
  name: string;
  state: 'never_seen' | 'online' | 'offline';
  last_seen_at: string | null;
}

/** A device as the cockpit shows it. */
export interface DeviceRow {
  dev_eui: string;
  name: string;
  last_seen_at: string | null;
  battery_level: number | null;
}

/** An RFID station as the cockpit shows it. */
export interface StationRow {
  station_id: string;
  state: 'unclaimed' | 'online' | 'degraded' | 'offline';
  /** Events waiting in the station's spool, when a `spool_backlog` health event said so. */
  backlog: number | null;
}

/** An automation run as the cockpit shows it. */
export interface RunRow {
  automation_run_id: string;
  project: string;
  status: string;
  /** The run's KB page. */
  url: string | null;
  at: string;
}

/** One site. */
export interface SiteState {
  site_id: string;
  name: string;
  stale: boolean;
  gateways: Map<string, GatewayRow>;
  devices: Map<string, DeviceRow>;
  stations: Map<string, StationRow>;
  runs: RunRow[];
}

/** An incident joined with its alerts, as read from notify's HTTP API. */
export interface IncidentRow {
  id: string;
  ack_code: string;
  status: 'open' | 'acknowledged' | 'resolved';
  fingerprints: string[];
  title: string;
  site_id: string | null;
  severity: string;
  /** Addresses a page was sent to, masked. */
  paged: string[];
  /** The escalation level notified next, and the completed passes. */
  level: number;
  loop: number;
  acked_by: string | null;
  acked_at: string | null;
}

/** Everything the surfaces are built from. */
export interface CockpitState {
  sites: Map<string, SiteState>;
  incidents: IncidentRow[];
}

/** An empty state. */
export function createCockpitState(): CockpitState {
  return { sites: new Map(), incidents: [] };
}

/** The site with this id, created empty on first sight. */
export function siteOf(state: CockpitState, siteId: string, name?: string): SiteState {
  let site = state.sites.get(siteId);
  if (!site) {
    site = {
      site_id: siteId,
      name: name ?? siteId,
      stale: false,
      gateways: new Map(),
      devices: new Map(),
      stations: new Map(),
      runs: [],
    };
    state.sites.set(siteId, site);
  } else if (name !== undefined) site.name = name;
  return site;
}
