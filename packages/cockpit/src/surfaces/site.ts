// The site surface: gateways, devices with last seen and battery, stations with backlog, and the
// last runs with links to their KB pages.
import type { Component } from '@fieldops/contracts/cockpit/v1';
import type { SiteState } from '../state.js';
import { bind, column, list, row, text } from './components.js';

/** The surface id of a site. */
export const siteSurfaceId = (siteId: string): string => `site-${siteId}`;

const byName =
  <T extends { name: string }>(key: (r: T) => string) =>
  (a: T, b: T) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** A site surface's data model. */
export interface SiteModel {
  name: string;
  site_id: string;
  gateways: { gateway_eui: string; name: string; state: string; last_seen: string }[];
  devices: { dev_eui: string; name: string; last_seen: string; battery: string }[];
  stations: { station_id: string; state: string; backlog: string }[];
  runs: { automation_run_id: string; line: string; url: string }[];
}

/** A site surface's components. */
export function buildSiteComponents(): Component[] {
  return [
    column('root', [
      'site_title',
      'site_id',
      'gw_head',
      'gw_list',
      'dev_head',
      'dev_list',
      'stn_head',
      'stn_list',
      'run_head',
      'run_list',
    ]),
    text('site_title', bind('/name'), 'h2'),
    text('site_id', bind('/site_id'), 'caption'),
    text('gw_head', 'Gateways', 'h4'),
    list('gw_list', 'gw_row', '/gateways'),
    row('gw_row', ['gw_name', 'gw_state', 'gw_seen']),
    text('gw_name', bind('name')),
    text('gw_state', bind('state')),
    text('gw_seen', bind('last_seen'), 'caption'),
    text('dev_head', 'Devices', 'h4'),
    list('dev_list', 'dev_row', '/devices'),
    row('dev_row', ['dev_name', 'dev_battery', 'dev_seen']),
    text('dev_name', bind('name')),
    text('dev_battery', bind('battery')),
    text('dev_seen', bind('last_seen'), 'caption'),
    text('stn_head', 'Stations', 'h4'),
    list('stn_list', 'stn_row', '/stations'),
    row('stn_row', ['stn_id', 'stn_state', 'stn_backlog']),
    text('stn_id', bind('station_id')),
    text('stn_state', bind('state')),
    text('stn_backlog', bind('backlog'), 'caption'),
    text('run_head', 'Last runs', 'h4'),
    list('run_list', 'run_row', '/runs'),
    row('run_row', ['run_line', 'run_url']),
    text('run_line', bind('line')),
    text('run_url', bind('url'), 'caption'),
  ];
}

/** A site surface's data model from the state. */
export function buildSiteModel(site: SiteState): SiteModel {
  return {
    name: site.name,
    site_id: site.site_id,
    gateways: [...site.gateways.values()].sort(byName((g) => g.gateway_eui)).map((g) => ({
      gateway_eui: g.gateway_eui,
      name: g.name,
      state: g.state,
      last_seen: g.last_seen_at ?? 'never',
    })),
    devices: [...site.devices.values()].sort(byName((d) => d.dev_eui)).map((d) => ({
      dev_eui: d.dev_eui,
      name: d.name,
      last_seen: d.last_seen_at ?? 'never',
      battery:
        d.battery_level === null || d.battery_level < 0 ? 'battery: unknown' : `battery: ${d.battery_level}%`,
    })),
    stations: [...site.stations.values()]
      .sort((a, b) => (a.station_id < b.station_id ? -1 : 1))
      .map((s) => ({
        station_id: s.station_id,
        state: s.state,
        backlog: s.backlog === null ? '' : `backlog: ${s.backlog}`,
      })),
    runs: site.runs.map((r) => ({
      automation_run_id: r.automation_run_id,
      line: `${r.at} ${r.project} ${r.status}`.trim(),
      url: r.url ?? '',
    })),
  };
}
