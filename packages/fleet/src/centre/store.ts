import type { SqlDatabase, SqlExecutor } from '@fieldops/bus';
import { type FleetDevice, type FleetGateway, FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../clock.js';
import { FLEET_SCHEMA, migrateFleet } from './schema.js';

/** A site as the centre sees it. */
export interface SiteSyncStatus {
  site_id: string;
  epoch: string;
  last_sequence: number;
  first_sync_at: string;
  /** When the centre last applied a batch from this site. */
  last_sync_at: string;
  last_full_at: string | null;
  /** No batch for longer than `staleAfterMs`: kept, never deleted, and shown as stale. */
  stale: boolean;
  /** A full sync is under way (begun, not ended). */
  full_in_progress: boolean;
  devices: number;
  gateways: number;
  removed: number;
}

/** A device or gateway at the centre, with its site and tombstone. */
export type MirroredDevice = FleetDevice & { site_id: string; removed_at: string | null };
/** A gateway at the centre. */
export type MirroredGateway = FleetGateway & { site_id: string; removed_at: string | null };

/** Options of {@link createFleetStore}. */
export interface FleetStoreOptions {
  db: SqlDatabase;
  /** A site with no batch for this long is stale (default 15 minutes). */
  staleAfterMs?: number;
  /** The clock (core's `Clock`) every time stamp reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
}

const iso = (v: unknown) =>
  v instanceof Date
    ? v.toISOString()
    : v === null || v === undefined
      ? null
      : new Date(String(v)).toISOString();

/** The central read-only mirror: every site's fleet as the sync left it. */
export interface FleetStore {
  readonly db: SqlDatabase;
  migrate(): Promise<void>;
  sites(): Promise<SiteSyncStatus[]>;
  site(siteId: string): Promise<SiteSyncStatus | undefined>;
  devices(filter?: { siteId?: string; includeRemoved?: boolean }): Promise<MirroredDevice[]>;
  gateways(filter?: { siteId?: string; includeRemoved?: boolean }): Promise<MirroredGateway[]>;
  /** The site's backup as the centre holds it: a restorable snapshot of what is not removed. */
  snapshot(siteId: string): Promise<FleetSnapshot | undefined>;
  /** Entity hashes of a site (`kind:key` -> hash), removed ones left out. */
  hashes(siteId: string): Promise<Map<string, string>>;
}

/** Creates the central store over Postgres or PGlite (`@fieldops/bus/pg`, `@fieldops/bus/pglite`). */
export function createFleetStore(options: FleetStoreOptions): FleetStore {
  const { db } = options;
  const now = dateSource(options);
  const staleAfter = options.staleAfterMs ?? 15 * 60_000;
  const q = (sql: string, params: unknown[] = [], ex: SqlExecutor = db) => ex.query(sql, params);

  async function sites(siteId?: string): Promise<SiteSyncStatus[]> {
    const { rows } = await q(
      `SELECT s.*,
              (SELECT count(*) FROM ${FLEET_SCHEMA}.entities e WHERE e.site_id = s.site_id AND e.kind = 'device' AND e.removed_at IS NULL) AS devices,
              (SELECT count(*) FROM ${FLEET_SCHEMA}.entities e WHERE e.site_id = s.site_id AND e.kind = 'gateway' AND e.removed_at IS NULL) AS gateways,
              (SELECT count(*) FROM ${FLEET_SCHEMA}.entities e WHERE e.site_id = s.site_id AND e.removed_at IS NOT NULL) AS removed
         FROM ${FLEET_SCHEMA}.sites s ${siteId ? 'WHERE s.site_id = $1' : ''} ORDER BY s.site_id`,
      siteId ? [siteId] : [],
    );
    const t = now().getTime();
    return (rows as Record<string, unknown>[]).map((r) => ({
      site_id: String(r.site_id),
      epoch: String(r.epoch),
      last_sequence: Number(r.last_sequence),
      first_sync_at: iso(r.first_sync_at)!,
      last_sync_at: iso(r.last_sync_at)!,
      last_full_at: iso(r.last_full_at),
      stale: t - new Date(iso(r.last_sync_at)!).getTime() > staleAfter,
      full_in_progress: r.full_run !== null,
      devices: Number(r.devices),
      gateways: Number(r.gateways),
      removed: Number(r.removed),
    }));
  }

  async function entities(kind: string, filter: { siteId?: string; includeRemoved?: boolean } = {}) {
    const where = [`kind = $1`];
    const params: unknown[] = [kind];
    if (filter.siteId) {
      params.push(filter.siteId);
      where.push(`site_id = $${params.length}`);
    }
    if (!filter.includeRemoved) where.push('removed_at IS NULL');
    const { rows } = await q(
      `SELECT site_id, data, removed_at FROM ${FLEET_SCHEMA}.entities WHERE ${where.join(' AND ')} ORDER BY site_id, key`,
      params,
    );
    return (rows as { site_id: string; data: unknown; removed_at: unknown }[]).map((r) => ({
      ...((typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as object),
      site_id: r.site_id,
      removed_at: iso(r.removed_at),
    }));
  }

  return {
    db,
    migrate: () => migrateFleet(db),
    sites: () => sites(),
    site: async (siteId) => (await sites(siteId))[0],
    devices: (filter) => entities('device', filter) as Promise<MirroredDevice[]>,
    gateways: (filter) => entities('gateway', filter) as Promise<MirroredGateway[]>,
    async snapshot(siteId) {
      const site = (await q(`SELECT * FROM ${FLEET_SCHEMA}.sites WHERE site_id = $1`, [siteId])).rows[0] as
        | Record<string, unknown>
        | undefined;
      if (!site) return undefined;
      const { rows } = await q(
        `SELECT kind, data FROM ${FLEET_SCHEMA}.entities WHERE site_id = $1 AND removed_at IS NULL ORDER BY kind, key`,
        [siteId],
      );
      const by: Record<string, unknown[]> = {
        tenant: [],
        application: [],
        device_profile: [],
        device: [],
        gateway: [],
      };
      for (const r of rows as { kind: string; data: unknown }[])
        by[r.kind]?.push(typeof r.data === 'string' ? JSON.parse(r.data) : r.data);
      const source = (typeof site.source === 'string' ? JSON.parse(site.source) : site.source) ?? {
        target: 'unknown',
      };
      return FleetSnapshot.parse({
        snapshot_version: 1,
        site_id: siteId,
        exported_at: iso(site.last_sync_at),
        source,
        restorable: true,
        tenants: by.tenant,
        applications: by.application,
        device_profiles: by.device_profile,
        devices: by.device,
        gateways: by.gateway,
      });
    },
    async hashes(siteId) {
      const { rows } = await q(
        `SELECT kind, key, hash FROM ${FLEET_SCHEMA}.entities WHERE site_id = $1 AND removed_at IS NULL`,
        [siteId],
      );
      return new Map(
        (rows as { kind: string; key: string; hash: string }[]).map((r) => [`${r.kind}:${r.key}`, r.hash]),
      );
    },
  };
}
