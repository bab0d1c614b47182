// The cockpit: keeps the state from the fleet view, bus events and notify, builds the surfaces'
// data models, and turns every change into updateDataModel deltas for the subscribed streams.
import {
  A2UI_VERSION,
  BASIC_CATALOG_ID,
  type Component,
  type ServerMessage,
} from '@fieldops/contracts/cockpit/v1';
import { type Logger, noopLogger } from '@fieldops/core';
import { buildDataModelWrites } from './diff.js';
import { applyEvent, type CockpitEvent } from './events.js';
import type { NotifyClient } from './notify-client.js';
import { type CockpitState, createCockpitState, siteOf } from './state.js';
import { buildFleetComponents, buildFleetModel, FLEET_SURFACE } from './surfaces/fleet.js';
import { buildIncidentsComponents, buildIncidentsModel, INCIDENTS_SURFACE } from './surfaces/incidents.js';
import { buildSiteComponents, buildSiteModel, siteSurfaceId } from './surfaces/site.js';

/** The read side of the central fleet view the cockpit needs (`FleetStore` of @fieldops/fleet has it). */
export interface FleetView {
  sites(): Promise<{ site_id: string; stale: boolean }[]>;
  gateways(filter?: { siteId?: string }): Promise<
    {
      site_id: string;
      gateway_eui: string;
      name: string;
      state: 'never_seen' | 'online' | 'offline';
      last_seen_at: string | null;
    }[]
  >;
  devices(filter?: { siteId?: string }): Promise<
    {
      site_id: string;
      dev_eui: string;
      name: string;
      last_seen_at: string | null;
      battery_level?: number | null;
    }[]
  >;
}

/** Options of {@link createCockpit}. */
export interface CockpitOptions {
  fleet?: FleetView;
  notify?: NotifyClient;
  /** Display names of sites by id (the fleet view knows ids only). */
  siteNames?: Record<string, string>;
  /** How many runs a site surface lists (default 5). */
  maxRuns?: number;
  logger?: Logger;
}

/** One message of the stream with its sequence number (the SSE event id). */
export interface CockpitMessage {
  seq: number;
  message: ServerMessage;
}

/** The live cockpit. */
export interface Cockpit {
  /** Loads every site from the fleet view (at start and after a site's sync). */
  loadFleet(siteId?: string): Promise<void>;
  /** Reads incidents from notify and publishes what changed. */
  refreshIncidents(): Promise<void>;
  /** Applies one bus event (CloudEvent); returns whether anything shown changed. */
  ingest(event: CockpitEvent): boolean;
  /** The surface ids a stream may ask for: `fleet`, `incidents`, `site-<site_id>`. */
  surfaceIds(): string[];
  /**
   * The messages that give a client the current state of a surface: createSurface,
   * updateComponents and the whole data model for a new client; the whole data model only for a
   * client that resumes (it has the surface already).
   */
  currentState(surfaceId: string, resume: boolean): ServerMessage[] | undefined;
  /** The sequence number of the last message published. */
  readonly seq: number;
  /** Calls `listener` with every delta from now on; returns the unsubscribe function. */
  subscribe(listener: (m: CockpitMessage) => void): () => void;
  /** The notify client the actions go to, when configured. */
  readonly notify: NotifyClient | undefined;
  readonly state: CockpitState;
}

/** Creates the cockpit. */
export function createCockpit(options: CockpitOptions = {}): Cockpit {
  const logger = options.logger ?? noopLogger;
  const state = createCockpitState();
  const models = new Map<string, unknown>();
  const listeners = new Set<(m: CockpitMessage) => void>();
  let seq = 0;

  const emit = (message: ServerMessage) => {
    seq++;
    for (const l of listeners) {
      try {
        l({ seq, message });
      } catch (err) {
        logger.warn({ err }, 'cockpit: a stream listener failed');
      }
    }
  };

  /** Rebuilds one surface's model and publishes the difference. */
  const publish = (surfaceId: string, next: unknown) => {
    const before = models.get(surfaceId);
    models.set(surfaceId, next);
    if (before === undefined) return;
    for (const w of buildDataModelWrites(before, next)) {
      emit({
        version: A2UI_VERSION,
        updateDataModel: {
          surfaceId,
          path: w.path,
          ...(w.remove ? {} : { value: w.value }),
        },
      });
    }
  };

  const refreshSite = (siteId: string) => {
    const site = state.sites.get(siteId);
    if (site) publish(siteSurfaceId(siteId), buildSiteModel(site));
  };
  const refreshFleet = () => publish(FLEET_SURFACE, buildFleetModel(state));
  const refreshIncidentsModel = () => publish(INCIDENTS_SURFACE, buildIncidentsModel(state));

  const componentsOf = (surfaceId: string): Component[] | undefined =>
    surfaceId === FLEET_SURFACE
      ? buildFleetComponents()
      : surfaceId === INCIDENTS_SURFACE
        ? buildIncidentsComponents()
        : state.sites.has(surfaceId.slice('site-'.length)) && surfaceId.startsWith('site-')
          ? buildSiteComponents()
          : undefined;

  const modelOf = (surfaceId: string): unknown => {
    let m = models.get(surfaceId);
    if (m === undefined) {
      if (surfaceId === FLEET_SURFACE) m = buildFleetModel(state);
      else if (surfaceId === INCIDENTS_SURFACE) m = buildIncidentsModel(state);
      else {
        const site = state.sites.get(surfaceId.slice('site-'.length));
        if (site) m = buildSiteModel(site);
      }
      if (m !== undefined) models.set(surfaceId, m);
    }
    return m;
  };

  // Models exist from the start, so the first change is a delta, not a silent first build.
  modelOf(FLEET_SURFACE);
  modelOf(INCIDENTS_SURFACE);

  return {
    get seq() {
      return seq;
    },
    notify: options.notify,
    state,
    async loadFleet(siteId) {
      if (!options.fleet) return;
      const sites = (await options.fleet.sites()).filter((s) => siteId === undefined || s.site_id === siteId);
      for (const s of sites) {
        const site = siteOf(state, s.site_id, options.siteNames?.[s.site_id]);
        site.stale = s.stale;
        const [gateways, devices] = await Promise.all([
          options.fleet.gateways({ siteId: s.site_id }),
          options.fleet.devices({ siteId: s.site_id }),
        ]);
        site.gateways = new Map(
          gateways.map((g) => [
            g.gateway_eui,
            { gateway_eui: g.gateway_eui, name: g.name, state: g.state, last_seen_at: g.last_seen_at },
          ]),
        );
        site.devices = new Map(
          devices.map((d) => [
            d.dev_eui,
            {
              dev_eui: d.dev_eui,
              name: d.name,
              last_seen_at: d.last_seen_at,
              battery_level: d.battery_level ?? null,
            },
          ]),
        );
        modelOf(siteSurfaceId(s.site_id));
        refreshSite(s.site_id);
      }
      refreshFleet();
    },
    async refreshIncidents() {
      if (!options.notify) return;
      state.incidents = await options.notify.incidents();
      refreshIncidentsModel();
      refreshFleet();
    },
    ingest(event) {
      const site = applyEvent(state, event, options.maxRuns ?? 5);
      if (!site) return false;
      modelOf(siteSurfaceId(site.site_id));
      refreshSite(site.site_id);
      refreshFleet();
      return true;
    },
    surfaceIds() {
      return [FLEET_SURFACE, INCIDENTS_SURFACE, ...[...state.sites.keys()].sort().map(siteSurfaceId)];
    },
    currentState(surfaceId, resume) {
      const components = componentsOf(surfaceId);
      const model = modelOf(surfaceId);
      if (!components || model === undefined) return undefined;
      const data: ServerMessage = {
        version: A2UI_VERSION,
        updateDataModel: { surfaceId, path: '/', value: model },
      };
      if (resume) return [data];
      return [
        { version: A2UI_VERSION, createSurface: { surfaceId, catalogId: BASIC_CATALOG_ID } },
        { version: A2UI_VERSION, updateComponents: { surfaceId, components } },
        data,
      ];
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
