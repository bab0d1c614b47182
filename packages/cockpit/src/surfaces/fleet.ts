// The fleet overview surface: every site with its gateways online/offline, its stations and its
// open incidents.
import type { Component } from '@fieldops/contracts/cockpit/v1';
import type { CockpitState } from '../state.js';
import { bind, card, column, list, row, text } from './components.js';

/** The surface id of the fleet overview. */
export const FLEET_SURFACE = 'fleet';

/** One site's line on the fleet surface. */
export interface FleetSiteModel {
  site_id: string;
  name: string;
  status: string;
  gateways: string;
  stations: string;
  incidents: string;
}

/** The fleet surface's data model. */
export interface FleetModel {
  summary: string;
  sites: FleetSiteModel[];
}

/** The fleet surface's components (sent once; the data changes, not the tree). */
export function buildFleetComponents(): Component[] {
  return [
    column('root', ['fleet_title', 'fleet_summary', 'fleet_sites']),
    text('fleet_title', 'Fleet', 'h2'),
    text('fleet_summary', bind('/summary'), 'caption'),
    list('fleet_sites', 'site_card', '/sites'),
    card('site_card', 'site_body'),
    column('site_body', ['site_head', 'site_gateways', 'site_stations', 'site_incidents']),
    row('site_head', ['site_name', 'site_status']),
    text('site_name', bind('name'), 'h4'),
    text('site_status', bind('status'), 'caption'),
    text('site_gateways', bind('gateways')),
    text('site_stations', bind('stations')),
    text('site_incidents', bind('incidents')),
  ];
}

/** The fleet surface's data model from the state. */
export function buildFleetModel(state: CockpitState): FleetModel {
  const open = new Map<string, number>();
  for (const i of state.incidents) {
    if (i.status === 'resolved' || !i.site_id) continue;
    open.set(i.site_id, (open.get(i.site_id) ?? 0) + 1);
  }
  let offlineTotal = 0;
  const sites = [...state.sites.values()]
    .sort((a, b) => (a.site_id < b.site_id ? -1 : a.site_id > b.site_id ? 1 : 0))
    .map((s) => {
      let on = 0;
      let off = 0;
      for (const g of s.gateways.values()) {
        if (g.state === 'online') on++;
        else if (g.state === 'offline') off++;
      }
      let son = 0;
      let soff = 0;
      for (const st of s.stations.values())
        if (st.state === 'offline') soff++;
        else if (st.state !== 'unclaimed') son++;
      offlineTotal += off;
      const incidents = open.get(s.site_id) ?? 0;
      return {
        site_id: s.site_id,
        name: s.name,
        status: s.stale ? 'stale' : off > 0 || soff > 0 || incidents > 0 ? 'attention' : 'ok',
        gateways: `gateways: ${on} online, ${off} offline`,
        stations: `stations: ${son} online, ${soff} offline`,
        incidents: `incidents: ${incidents} open`,
      };
    });
  const openTotal = state.incidents.filter((i) => i.status !== 'resolved').length;
  return {
    summary: `${sites.length} sites, ${offlineTotal} gateways offline, ${openTotal} open incidents`,
    sites,
  };
}
