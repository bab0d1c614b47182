import { z } from 'zod';
import { FleetDevice, FleetGateway, FleetSnapshot } from '../chirpstack/v1.js';
import { SiteId } from '../ids/v1.js';
import { errorBody, health, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import type { ApiContract, ApiParameter } from '../internal/http-api.js';

// The central fleet view (issue 16): a read-only HTTP API over the centre's mirror of every site's
// ChirpStack fleet (`@fieldops/fleet`). Sites are authoritative; nothing here writes. Entities are
// the `chirpstack.v1` fleet entities as the last sync left them, with their site and tombstone.

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('fleet', 1, name, schema, description);

/** A site as the centre sees it: its sync position, when it last synced, and whether it went quiet. */
export const Site = c(
  'Site',
  z.object({
    site_id: SiteId,
    epoch: z
      .string()
      .min(1)
      .meta({ description: 'The sync epoch of the site (a new one restarts numbering).' }),
    last_sequence: z.int().min(0).meta({ description: 'The last batch the centre applied.' }),
    first_sync_at: timestamp(),
    last_sync_at: timestamp().meta({ description: 'When the centre last applied a batch from this site.' }),
    last_full_at: timestamp().nullable(),
    stale: z.boolean().meta({
      description: 'No batch for longer than the centre allows: kept, never deleted, shown as stale.',
    }),
    full_in_progress: z.boolean().meta({ description: 'A full sync has begun and not ended.' }),
    devices: z.int().min(0).meta({ description: 'Devices not removed.' }),
    gateways: z.int().min(0).meta({ description: 'Gateways not removed.' }),
    removed: z.int().min(0).meta({ description: 'Tombstones (entities removed at the site).' }),
  }),
);
export type Site = z.infer<typeof Site>;

/** How a device is doing, from its last uplink: seen within the centre's window, not since, never, or removed. */
export const DeviceStatus = c('DeviceStatus', z.enum(['active', 'inactive', 'never_seen', 'removed']));
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** A device at the centre: the site's `chirpstack.v1.FleetDevice`, its site, status and tombstone. */
export const SiteDevice = c(
  'SiteDevice',
  z.object({
    site_id: SiteId,
    status: DeviceStatus,
    removed_at: timestamp().nullable(),
    device: FleetDevice,
  }),
);
export type SiteDevice = z.infer<typeof SiteDevice>;

/** A gateway at the centre: the site's `chirpstack.v1.FleetGateway`, its site and tombstone. */
export const SiteGateway = c(
  'SiteGateway',
  z.object({
    site_id: SiteId,
    removed_at: timestamp().nullable(),
    gateway: FleetGateway,
  }),
);
export type SiteGateway = z.infer<typeof SiteGateway>;

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });

/** One page of sites, by site id. */
export const SitePage = c('SitePage', page(Site));
export type SitePage = z.infer<typeof SitePage>;

/** One page of devices, by site id then DevEUI. */
export const SiteDevicePage = c('SiteDevicePage', page(SiteDevice));
export type SiteDevicePage = z.infer<typeof SiteDevicePage>;

/** One page of gateways, by site id then gateway EUI. */
export const SiteGatewayPage = c('SiteGatewayPage', page(SiteGateway));
export type SiteGatewayPage = z.infer<typeof SiteGatewayPage>;

/** The whole fleet at a glance (`GET /api/v1/status`). */
export const FleetStatus = c(
  'FleetStatus',
  z.object({
    time: timestamp(),
    sites: z.object({ total: z.int().min(0), stale: z.int().min(0), syncing_full: z.int().min(0) }),
    devices: z.object({
      total: z.int().min(0).meta({ description: 'Devices not removed.' }),
      active: z.int().min(0),
      inactive: z.int().min(0),
      never_seen: z.int().min(0),
      removed: z.int().min(0),
    }),
    gateways: z.object({
      total: z.int().min(0),
      online: z.int().min(0),
      offline: z.int().min(0),
      never_seen: z.int().min(0),
      removed: z.int().min(0),
    }),
    active_window_s: z
      .int()
      .min(1)
      .meta({ description: 'A device seen within this many seconds is active, otherwise inactive.' }),
    oldest_sync_at: timestamp()
      .nullable()
      .meta({ description: 'The last sync of the site that synced least recently.' }),
  }),
);
export type FleetStatus = z.infer<typeof FleetStatus>;

/** The error body of every fleet API failure. */
export const ErrorBody = c('ErrorBody', errorBody());
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `GET /api/v1/health` and `GET /api/v1/ready`. */
export const Health = c('Health', health());
export type Health = z.infer<typeof Health>;

const limitSchema = z.coerce.number().int().min(1).max(500);

/** Query of the list operations (every field optional). */
export const ListQuery = c(
  'ListQuery',
  z.strictObject({
    cursor: z.string().min(1).max(512).optional(),
    limit: limitSchema.optional().meta({ description: 'Items per page, 1–500 (default 100).' }),
    include_removed: z
      .enum(['true', 'false'])
      .optional()
      .meta({ description: 'Also list tombstones (entities removed at the site).' }),
    site_id: SiteId.optional().meta({ description: 'Only this site (the across-sites lists).' }),
  }),
);
export type ListQuery = z.infer<typeof ListQuery>;

// ---- the HTTP API ---------------------------------------------------------------------------

const q = (name: keyof typeof ListQuery.shape, description?: string): ApiParameter => ({
  name,
  in: 'query',
  required: false,
  schema: ListQuery.shape[name] as z.ZodType,
  ...(description ? { description } : {}),
});
const siteParam: ApiParameter = { name: 'site_id', in: 'path', required: true, schema: SiteId };
const errors = {
  400: {
    description: 'The request does not satisfy the contract (a bad cursor, limit or id).',
    body: ErrorBody,
  },
  401: { description: 'Missing or invalid bearer token (when the centre requires one).', body: ErrorBody },
} as const;
const notFound = {
  404: { description: 'The centre has never heard from this site.', body: ErrorBody },
} as const;

/** The central fleet view, version 1: read-only. */
export const FLEET_API: ApiContract = {
  point: 'fleet',
  version: 1,
  title: 'fieldops central fleet view',
  description:
    "Read-only view of every site's ChirpStack fleet as mirrored at the centre by the site -> centre sync. " +
    'Each site stays authoritative: every write method (POST, PUT, PATCH, DELETE) on any path is answered 405 ' +
    'with `Allow: GET, HEAD`. Lists are paged with an opaque `cursor`.',
  operations: [
    {
      operationId: 'getFleetStatus',
      method: 'get',
      path: '/api/v1/status',
      summary: 'The whole fleet at a glance: sites (stale, syncing), devices by status, gateways by state.',
      idempotent: true,
      responses: { 200: { description: 'The summary.', body: FleetStatus }, ...errors },
    },
    {
      operationId: 'listSites',
      method: 'get',
      path: '/api/v1/sites',
      summary: 'Every site the centre mirrors, with its sync state.',
      idempotent: true,
      parameters: [q('cursor'), q('limit')],
      responses: { 200: { description: 'A page of sites.', body: SitePage }, ...errors },
    },
    {
      operationId: 'getSite',
      method: 'get',
      path: '/api/v1/sites/{site_id}',
      summary: "One site's sync state.",
      idempotent: true,
      parameters: [siteParam],
      responses: { 200: { description: 'The site.', body: Site }, ...errors, ...notFound },
    },
    {
      operationId: 'listSiteDevices',
      method: 'get',
      path: '/api/v1/sites/{site_id}/devices',
      summary: "A site's devices with their status and last seen.",
      idempotent: true,
      parameters: [siteParam, q('cursor'), q('limit'), q('include_removed')],
      responses: { 200: { description: 'A page of devices.', body: SiteDevicePage }, ...errors, ...notFound },
    },
    {
      operationId: 'listSiteGateways',
      method: 'get',
      path: '/api/v1/sites/{site_id}/gateways',
      summary: "A site's gateways with their state and last seen.",
      idempotent: true,
      parameters: [siteParam, q('cursor'), q('limit'), q('include_removed')],
      responses: {
        200: { description: 'A page of gateways.', body: SiteGatewayPage },
        ...errors,
        ...notFound,
      },
    },
    {
      operationId: 'getSiteBackup',
      method: 'get',
      path: '/api/v1/sites/{site_id}/backup',
      summary:
        "The site's backup as the centre holds it: a restorable fleet snapshot (key references, never values).",
      description:
        'What `fieldops chirpstack restore` rebuilds a site from. Removed entities are left out; `exported_at` is the last sync.',
      idempotent: true,
      parameters: [siteParam],
      responses: { 200: { description: 'The snapshot.', body: FleetSnapshot }, ...errors, ...notFound },
    },
    {
      operationId: 'listDevices',
      method: 'get',
      path: '/api/v1/devices',
      summary: 'Devices across every site (or one, with `site_id`).',
      idempotent: true,
      parameters: [q('cursor'), q('limit'), q('include_removed'), q('site_id')],
      responses: { 200: { description: 'A page of devices.', body: SiteDevicePage }, ...errors },
    },
    {
      operationId: 'listGateways',
      method: 'get',
      path: '/api/v1/gateways',
      summary: 'Gateways across every site (or one, with `site_id`).',
      idempotent: true,
      parameters: [q('cursor'), q('limit'), q('include_removed'), q('site_id')],
      responses: { 200: { description: 'A page of gateways.', body: SiteGatewayPage }, ...errors },
    },
    {
      operationId: 'getHealth',
      method: 'get',
      path: '/api/v1/health',
      summary: 'Liveness: the process answers.',
      idempotent: true,
      auth: false,
      responses: { 200: { description: 'Alive.', body: Health } },
    },
    {
      operationId: 'getReady',
      method: 'get',
      path: '/api/v1/ready',
      summary: 'Readiness: the store answers a query.',
      idempotent: true,
      auth: false,
      responses: {
        200: { description: 'Ready.', body: Health },
        503: { description: 'The store does not answer.', body: Health },
      },
    },
  ],
};

/** openapi-typescript types of the API (for openapi-fetch): `paths`, `components`, `operations`. */
export type { components, operations, paths } from '../generated/fleet-v1-paths.js';
