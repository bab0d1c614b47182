import type { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import type { Site } from '@fieldops/contracts/fleet/v1';
import { type CentreTarget, FleetCentreError, getFromCentre } from '@fieldops/sdk/cli/api';

// What `fleet diff` needs from the centre: a site's mirror as a snapshot (its backup) and when it
// last synced. Operators read the centre through its read-only HTTP API (contract fleet.v1); a
// FleetStore (the centre's own database) satisfies the same interface for code running at the centre.

/** Reads one site's mirror from the centre. */
export interface CentreReader {
  /** The site's backup as the centre holds it; undefined when the centre does not know the site. */
  snapshot(siteId: string): Promise<FleetSnapshot | undefined>;
  /** The site's sync state; undefined when the centre does not know the site. */
  site(siteId: string): Promise<{ last_sync_at: string | null } | undefined>;
}

async function orMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof FleetCentreError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * The centre through its fleet.v1 HTTP API (`GET /api/v1/sites/{id}` and `…/backup`), every answer
 * validated against the contract; the bearer token comes from the target (the environment).
 */
export function httpCentreReader(target: CentreTarget): CentreReader {
  const path = (siteId: string) => `/api/v1/sites/${encodeURIComponent(siteId)}`;
  return {
    snapshot: (siteId) =>
      orMissing(
        getFromCentre<FleetSnapshot>(target, `${path(siteId)}/backup`, 'chirpstack.v1.FleetSnapshot'),
      ),
    site: (siteId) => orMissing(getFromCentre<Site>(target, path(siteId), 'fleet.v1.Site')),
  };
}
