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

type Cell = readonly [id: string, field: string, variant?: 'caption'];

/** One titled list of the site surface: a heading, a List over `path`, a Row of bound Texts per item. */
function buildListSection(prefix: string, title: string, path: string, cells: readonly Cell[]): Component[] {
  return [
    text(`${prefix}_head`, title, 'h4'),
    list(`${prefix}_list`, `${prefix}_row`, path),
    row(
      `${prefix}_row`,
      cells.map(([id]) => id),
    ),
    ...cells.map(([id, field, variant]) => text(id, bind(field), variant)),
  ];
}

/** The site surface's lists, in the order they show. */
const SECTIONS = [
  [
    'gw',
    'Gateways',
    '/gateways',
    [
      ['gw_name', 'name'],
      ['gw_state', 'state'],
      ['gw_seen', 'last_seen', 'caption'],
    ],
  ],
  [
    'dev',
    'Devices',
    '/devices',
    [
      ['dev_name', 'name'],
      ['dev_battery', 'battery'],
      ['dev_seen', 'last_seen', 'caption'],
    ],
  ],
  [
    'stn',
    'Stations',
    '/stations',
    [
      ['stn_id', 'station_id'],
      ['stn_state', 'state'],
      ['stn_backlog', 'backlog', 'caption'],
    ],
  ],
  [
    'run',
    'Last runs',
    '/runs',
    [
      ['run_line', 'line'],
      ['run_url', 'url', 'caption'],
    ],
  ],
] as const satisfies readonly (readonly [string, string, string, readonly Cell[]])[];

/** A site surface's components. */
export function buildSiteComponents(): Component[] {
  return [
    column('root', ['site_title', 'site_id', ...SECTIONS.flatMap(([p]) => [`${p}_head`, `${p}_list`])]),
    text('site_title', bind('/name'), 'h2'),
    text('site_id', bind('/site_id'), 'caption'),
    ...SECTIONS.flatMap(([prefix, title, path, cells]) => buildListSection(prefix, title, path, cells)),
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
