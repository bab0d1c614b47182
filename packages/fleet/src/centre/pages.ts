import type { SqlExecutor } from '@fieldops/bus';
import type { FleetDevice, FleetGateway } from '@fieldops/contracts/chirpstack/v1';
import type { DeviceStatus, FleetStatus } from '@fieldops/contracts/fleet/v1';
import { FLEET_SCHEMA } from './schema.js';

// Keyset pages over the centre's mirror: ordered by (site_id, key), a cursor is the last row's pair,
// so a page never repeats or skips a row when rows are added between requests.

/** Where the next page starts: after this (site_id, key) pair. */
export interface PagePosition {
  site_id: string;
  key: string;
}

/** One entity of the mirror with its site and tombstone. */
export interface MirrorRow<T> {
  site_id: string;
  key: string;
  removed_at: string | null;
  data: T;
}

/** One page of rows and where the next one starts (undefined on the last page). */
export interface RowPage<T> {
  rows: MirrorRow<T>[];
  next?: PagePosition | undefined;
}

/** Options of {@link pageEntities}. */
export interface EntityPageQuery {
  siteId?: string | undefined;
  includeRemoved?: boolean | undefined;
  after?: PagePosition | undefined;
  limit: number;
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v instanceof Date ? v : String(v)).toISOString();

/** Reads one page of devices or gateways, ordered by site then key. */
export async function pageEntities<T extends FleetDevice | FleetGateway>(
  db: SqlExecutor,
  kind: 'device' | 'gateway',
  query: EntityPageQuery,
): Promise<RowPage<T>> {
  const params: unknown[] = [kind];
  const where = ['kind = $1'];
  if (query.siteId !== undefined) {
    params.push(query.siteId);
    where.push(`site_id = $${params.length}`);
  }
  if (!query.includeRemoved) where.push('removed_at IS NULL');
  if (query.after) {
    params.push(query.after.site_id, query.after.key);
    where.push(`(site_id, key) > ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit + 1);
  const { rows } = await db.query(
    `SELECT site_id, key, data, removed_at FROM ${FLEET_SCHEMA}.entities
      WHERE ${where.join(' AND ')} ORDER BY site_id, key LIMIT $${params.length}`,
    params,
  );
  const all = (rows as { site_id: string; key: string; data: unknown; removed_at: unknown }[]).map((r) => ({
    site_id: r.site_id,
    key: r.key,
    removed_at: iso(r.removed_at),
    data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as T,
  }));
  const page = all.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: all.length > query.limit && last ? { site_id: last.site_id, key: last.key } : undefined,
  };
}

/** A device's status: removed, never seen, or seen within `activeWithinMs` of `now` (active) or not. */
export function deviceStatus(
  device: Pick<FleetDevice, 'last_seen_at'>,
  removedAt: string | null,
  now: Date,
  activeWithinMs: number,
): DeviceStatus {
  if (removedAt !== null) return 'removed';
  if (!device.last_seen_at) return 'never_seen';
  return now.getTime() - new Date(device.last_seen_at).getTime() <= activeWithinMs ? 'active' : 'inactive';
}

/** Counts devices by status and gateways by state across the fleet (one query each). */
export async function countFleet(
  db: SqlExecutor,
  now: Date,
  activeWithinMs: number,
): Promise<Pick<FleetStatus, 'devices' | 'gateways'>> {
  const cutoff = new Date(now.getTime() - activeWithinMs).toISOString();
  const seen = `(data->>'last_seen_at')`;
  const d = (
    await db.query(
      `SELECT count(*) FILTER (WHERE removed_at IS NULL) AS total,
              count(*) FILTER (WHERE removed_at IS NULL AND ${seen} IS NULL) AS never_seen,
              count(*) FILTER (WHERE removed_at IS NULL AND ${seen}::timestamptz >= $1::timestamptz) AS active,
              count(*) FILTER (WHERE removed_at IS NOT NULL) AS removed
         FROM ${FLEET_SCHEMA}.entities WHERE kind = 'device'`,
      [cutoff],
    )
  ).rows[0] as Record<string, unknown>;
  const g = (
    await db.query(
      `SELECT count(*) FILTER (WHERE removed_at IS NULL) AS total,
              count(*) FILTER (WHERE removed_at IS NULL AND data->>'state' = 'online') AS online,
              count(*) FILTER (WHERE removed_at IS NULL AND data->>'state' = 'offline') AS offline,
              count(*) FILTER (WHERE removed_at IS NULL AND data->>'state' = 'never_seen') AS never_seen,
              count(*) FILTER (WHERE removed_at IS NOT NULL) AS removed
         FROM ${FLEET_SCHEMA}.entities WHERE kind = 'gateway'`,
    )
  ).rows[0] as Record<string, unknown>;
  const n = (v: unknown) => Number(v ?? 0);
  return {
    devices: {
      total: n(d.total),
      active: n(d.active),
      inactive: n(d.total) - n(d.active) - n(d.never_seen),
      never_seen: n(d.never_seen),
      removed: n(d.removed),
    },
    gateways: {
      total: n(g.total),
      online: n(g.online),
      offline: n(g.offline),
      never_seen: n(g.never_seen),
      removed: n(g.removed),
    },
  };
}
