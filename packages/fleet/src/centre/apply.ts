import type { SqlExecutor } from '@fieldops/bus';
import { type FleetEntityKind, FleetSyncBatch } from '@fieldops/contracts/chirpstack/v1';
import { entityKey } from '../site/batches.js';
import { FLEET_SCHEMA } from './schema.js';

/** A batch that cannot be applied yet (its predecessor has not arrived): thrown so the bus retries it. */
export class FleetOutOfOrderError extends Error {
  override readonly name = 'FleetOutOfOrderError';
}

/** What applying one batch did. */
export type ApplyOutcome = 'applied' | 'duplicate';

interface SiteRow {
  epoch: string;
  last_sequence: string | number;
  full_run: string | number | null;
}

const LISTS: [keyof FleetSyncBatch, FleetEntityKind][] = [
  ['tenants', 'tenant'],
  ['applications', 'application'],
  ['device_profiles', 'device_profile'],
  ['gateways', 'gateway'],
  ['devices', 'device'],
];

/** Checks the batch against the site's position: apply, skip as a duplicate, or wait (throw). */
function decide(row: SiteRow | undefined, b: FleetSyncBatch): ApplyOutcome {
  const starts = b.full === 'begin' || b.full === 'only';
  if (!row || row.epoch !== b.epoch) {
    if (starts) return 'applied';
    throw new FleetOutOfOrderError(
      `fleet: ${b.site_id} batch ${b.epoch}-${b.sequence} is not the start of a full sync, and the centre has no state for this epoch`,
    );
  }
  const last = Number(row.last_sequence);
  if (b.sequence <= last) return 'duplicate';
  if (b.sequence !== last + 1)
    throw new FleetOutOfOrderError(`fleet: ${b.site_id} batch ${b.sequence} arrived before ${last + 1}`);
  return 'applied';
}

async function upsertEntities(tx: SqlExecutor, b: FleetSyncBatch, fullRun: number | null, at: string) {
  const rows: { kind: string; key: string; hash: string; data: unknown }[] = [];
  for (const [list, kind] of LISTS)
    for (const e of b[list] as { hash?: string }[])
      rows.push({ kind, key: entityKey(kind, e as Record<string, unknown>), hash: e.hash ?? '', data: e });
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${FLEET_SCHEMA}.entities (site_id, kind, key, hash, data, seen_in_full, removed_at, updated_at)
     SELECT $1, x.kind, x.key, x.hash, x.data, $3, NULL, $4
       FROM jsonb_to_recordset($2::jsonb) AS x(kind text, key text, hash text, data jsonb)
     ON CONFLICT (site_id, kind, key) DO UPDATE
       SET hash = EXCLUDED.hash, data = EXCLUDED.data, removed_at = NULL, updated_at = EXCLUDED.updated_at,
           seen_in_full = COALESCE(EXCLUDED.seen_in_full, ${FLEET_SCHEMA}.entities.seen_in_full)`,
    [b.site_id, JSON.stringify(rows), fullRun, at],
  );
}

async function applyStatusAndTombstones(tx: SqlExecutor, b: FleetSyncBatch, at: string) {
  if (b.status.length > 0)
    await tx.query(
      `UPDATE ${FLEET_SCHEMA}.entities e SET data = e.data || x.patch, updated_at = $3
         FROM jsonb_to_recordset($2::jsonb) AS x(kind text, key text, patch jsonb)
        WHERE e.site_id = $1 AND e.kind = x.kind AND e.key = x.key`,
      [
        b.site_id,
        JSON.stringify(
          b.status.map(({ kind, key, ...patch }) => ({
            kind,
            key,
            patch: JSON.parse(JSON.stringify(patch)),
          })),
        ),
        at,
      ],
    );
  if (b.tombstones.length > 0)
    await tx.query(
      `UPDATE ${FLEET_SCHEMA}.entities e SET removed_at = x.removed_at, updated_at = $3
         FROM jsonb_to_recordset($2::jsonb) AS x(kind text, key text, removed_at timestamptz)
        WHERE e.site_id = $1 AND e.kind = x.kind AND e.key = x.key AND e.removed_at IS NULL`,
      [b.site_id, JSON.stringify(b.tombstones), at],
    );
}

/**
 * Applies one fleet sync batch in the caller's transaction (the bus consumer's, with its inbox row):
 * in order per site by sequence (a batch whose predecessor is missing throws
 * {@link FleetOutOfOrderError}, so the bus delivers it again later), a repeated one is skipped,
 * entities are upserted by hash, status merged, removed entities kept as tombstones, and the end
 * of a full sync tombstones whatever that full sync did not name. Validates against
 * `chirpstack.v1.FleetSyncBatch` first.
 */
export async function applyFleetBatch(
  tx: SqlExecutor,
  input: unknown,
  receivedAt: Date = new Date(),
): Promise<ApplyOutcome> {
  const b = FleetSyncBatch.parse(input);
  const { rows } = await tx.query(
    `SELECT epoch, last_sequence, full_run FROM ${FLEET_SCHEMA}.sites WHERE site_id = $1 FOR UPDATE`,
    [b.site_id],
  );
  const row = rows[0] as SiteRow | undefined;
  if (decide(row, b) === 'duplicate') return 'duplicate';
  const at = receivedAt.toISOString();
  const starts = b.full === 'begin' || b.full === 'only';
  const fullRun = starts ? b.sequence : b.full ? Number(row?.full_run ?? b.sequence) : null;
  await tx.query(
    `INSERT INTO ${FLEET_SCHEMA}.sites (site_id, epoch, last_sequence, full_run, first_sync_at, last_sync_at, last_produced_at, source)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
     ON CONFLICT (site_id) DO UPDATE SET epoch = $2, last_sequence = $3, full_run = $4, last_sync_at = $5,
       last_produced_at = $6, source = COALESCE($7, ${FLEET_SCHEMA}.sites.source)`,
    [
      b.site_id,
      b.epoch,
      b.sequence,
      b.full && b.full !== 'end' && b.full !== 'only' ? fullRun : null,
      at,
      b.produced_at,
      b.source ? JSON.stringify(b.source) : null,
    ],
  );
  await upsertEntities(tx, b, fullRun, at);
  await applyStatusAndTombstones(tx, b, at);
  if (b.full === 'end' || b.full === 'only') {
    await tx.query(
      `UPDATE ${FLEET_SCHEMA}.entities SET removed_at = $3, updated_at = $3
        WHERE site_id = $1 AND removed_at IS NULL AND seen_in_full IS DISTINCT FROM $2`,
      [b.site_id, fullRun, at],
    );
    await tx.query(`UPDATE ${FLEET_SCHEMA}.sites SET last_full_at = $2 WHERE site_id = $1`, [b.site_id, at]);
  }
  return 'applied';
}
