// The cockpit: keeps the state from the fleet view, bus events and notify, builds the surfaces'
// data models, and turns the changes of each flush window into updateDataModel deltas for the
// subscribed streams (decision 0040: coalescing per window).
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
  /**
   * The flush window in ms (default 100): changes are gathered per surface and published once per
   * window as the difference between the last published model and the current one, so a path
   * written twice in a window is sent once with its last value. 0 publishes every change at once.
   */
  coalesceMs?: number;
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
  /** Publishes the changes gathered in the current flush window now. */
  flush(): void;
  /** Stops the flush timer; changes not yet published are dropped (the state keeps them). */
  close(): void;
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
  const coalesceMs = options.coalesceMs ?? 100;
  if (!(Number.isFinite(coalesceMs) && coalesceMs >= 0))
    throw new RangeError(`cockpit: coalesceMs must be a number ≥ 0 (got ${String(options.coalesceMs)})`);
  // Surfaces changed since the last flush, in the order they first changed.
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
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

  /** The model of a surface as the state has it now (undefined: no such surface). */
  const buildModel = (surfaceId: string): unknown => {
    if (surfaceId === FLEET_SURFACE) return buildFleetModel(state);
    if (surfaceId === INCIDENTS_SURFACE) return buildIncidentsModel(state);
    const site = surfaceId.startsWith('site-') ? state.sites.get(surfaceId.slice('site-'.length)) : undefined;
    return site ? buildSiteModel(site) : undefined;
  };

  /**
   * Publishes every surface changed since the last flush: its model is built once from the state
   * and diffed against the last published one, so writes within the window collapse (the last
   * value at a path wins; a parent written whole carries its children).
   */
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const surfaces = [...dirty];
    dirty.clear();
    for (const surfaceId of surfaces) {
      const next = buildModel(surfaceId);
      if (next !== undefined) publish(surfaceId, next);
    }
  };
  /** Marks a surface changed; it is published at the end of the flush window. */
  const changed = (surfaceId: string) => {
    dirty.add(surfaceId);
    if (coalesceMs === 0) return flush();
    if (timer === undefined) {
      timer = setTimeout(flush, coalesceMs);
      timer.unref?.();
    }
  };
  const refreshSite = (siteId: string) => changed(siteSurfaceId(siteId));
  const refreshFleet = () => changed(FLEET_SURFACE);
  const refreshIncidentsModel = () => changed(INCIDENTS_SURFACE);

  const componentsOf = (surfaceId: string): Component[] | undefined =>
    surfaceId === FLEET_SURFACE
      ? buildFleetComponents()
      : surfaceId === INCIDENTS_SURFACE
        ? buildIncidentsComponents()
        : state.sites.has(surfaceId.slice('site-'.length)) && surfaceId.startsWith('site-')
          ? buildSiteComponents()
          : undefined;

  /** The last published model of a surface (built now for a surface never published): the deltas are computed against it. */
  const modelOf = (surfaceId: string): unknown => {
    let m = models.get(surfaceId);
    if (m === undefined) {
      m = buildModel(surfaceId);
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
      // A load is rare and whole: published at once, so a client connecting next sees it.
      flush();
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
      // A client connecting gets the state as it is now: the window's changes are published first
      // (to the clients already there), so the model handed out is current.
      if (dirty.size > 0) flush();
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
    flush,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      dirty.clear();
    },
  };
}
