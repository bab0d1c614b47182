import type {
  FleetEntityKind,
  FleetSnapshot,
  FleetStatusUpdate,
  FleetSyncBatch,
  FleetTombstone,
} from '@fieldops/contracts/chirpstack/v1';

// The pure half of the site -> centre sync: a fresh restorable snapshot and what the centre was
// last sent (one hash per entity, one status key per device and gateway) in, the batches to send
// and the new sent-state out. Configuration travels only when its hash changed; status (last seen,
// battery, gateway state) as small updates; removed entities as tombstones.

/** What a site last sent, kept on the site between rounds (see `createFileSyncState`). */
export interface SiteSyncState {
  /** Names this state; a new epoch starts with a full sync (the centre accepts nothing else). */
  epoch: string;
  /** Sequence of the last batch built (the next one is `sequence + 1`). */
  sequence: number;
  /** `kind:key` -> entity hash, as last sent. */
  hashes: Record<string, string>;
  /** `kind:key` -> status key (last seen, battery, margin, state), as last sent. */
  status: Record<string, string>;
  /** Batches built and not yet confirmed in the outbox: sent again first after a crash. */
  pending: FleetSyncBatch[];
}

/** Options of {@link buildSyncBatches}. */
export interface BuildBatchesOptions {
  /** Send everything (first contact, or the centre asked). */
  full: boolean;
  /** Entities (and tombstones, status updates) per batch; default 500 (a NATS message stays well under 1 MB). */
  maxPerBatch?: number;
  now: Date;
}

type Entity = { hash?: string | undefined };
type Upserts = Pick<FleetSyncBatch, 'tenants' | 'applications' | 'device_profiles' | 'devices' | 'gateways'>;
type Item =
  | { list: keyof Upserts; entity: Entity }
  | { list: 'tombstones'; entity: FleetTombstone }
  | { list: 'status'; entity: FleetStatusUpdate };

/** The key of an entity at its site: the site's id for tenants, applications and profiles; the EUI otherwise. */
export function entityKey(kind: FleetEntityKind, e: Record<string, unknown>): string {
  if (kind === 'device') return String(e.dev_eui);
  if (kind === 'gateway') return String(e.gateway_eui);
  return String(e.id);
}

const LISTS: [keyof Upserts, FleetEntityKind][] = [
  ['tenants', 'tenant'],
  ['applications', 'application'],
  ['device_profiles', 'device_profile'],
  ['gateways', 'gateway'],
  ['devices', 'device'],
];

function statusKey(kind: FleetEntityKind, e: Record<string, unknown>): string | undefined {
  if (kind === 'device')
    return JSON.stringify([e.last_seen_at, e.battery_level, e.margin, e.external_power_source]);
  if (kind === 'gateway') return JSON.stringify([e.last_seen_at, e.state]);
  return undefined;
}

function statusUpdate(
  kind: 'device' | 'gateway',
  key: string,
  e: Record<string, unknown>,
): FleetStatusUpdate {
  return kind === 'device'
    ? {
        kind,
        key,
        last_seen_at: (e.last_seen_at as string | null) ?? null,
        battery_level: (e.battery_level as number | null | undefined) ?? null,
        margin: (e.margin as number | null | undefined) ?? null,
      }
    : {
        kind,
        key,
        last_seen_at: (e.last_seen_at as string | null) ?? null,
        state: e.state as FleetStatusUpdate['state'],
      };
}

function emptyBatch(snapshot: FleetSnapshot, epoch: string, sequence: number, now: Date): FleetSyncBatch {
  return {
    sync_version: 1,
    site_id: snapshot.site_id,
    epoch,
    sequence,
    produced_at: now.toISOString(),
    source: snapshot.source,
    tenants: [],
    applications: [],
    device_profiles: [],
    devices: [],
    gateways: [],
    tombstones: [],
    status: [],
  };
}

/** Splits items into batches of at most `max`, numbered from `first`; full runs get begin/middle/end markers. */
function chunk(
  items: Item[],
  max: number,
  full: boolean,
  make: (seq: number) => FleetSyncBatch,
  first: number,
) {
  const batches: FleetSyncBatch[] = [];
  for (let i = 0; i === 0 || i < items.length; i += max) {
    const b = make(first + batches.length);
    for (const item of items.slice(i, i + max)) (b[item.list] as unknown[]).push(item.entity);
    batches.push(b);
  }
  if (full)
    batches.forEach((b, i) => {
      b.full =
        batches.length === 1 ? 'only' : i === 0 ? 'begin' : i === batches.length - 1 ? 'end' : 'middle';
    });
  return batches;
}

/**
 * The batches that bring the centre from `previous` to `snapshot`, and the state after them. With
 * `full` (or no previous state) every entity is sent; otherwise only entities whose hash changed,
 * tombstones for those gone, and status updates. A round with no change still makes one empty
 * batch: it tells the centre the site is alive (its last-sync time).
 */
export function buildSyncBatches(
  snapshot: FleetSnapshot,
  previous: Omit<SiteSyncState, 'pending'>,
  options: BuildBatchesOptions,
): { batches: FleetSyncBatch[]; state: Omit<SiteSyncState, 'pending'> } {
  const hashes: Record<string, string> = {};
  const status: Record<string, string> = {};
  const items: Item[] = [];
  for (const [list, kind] of LISTS)
    for (const entity of snapshot[list] as (Entity & Record<string, unknown>)[]) {
      const key = `${kind}:${entityKey(kind, entity)}`;
      if (!entity.hash) throw new TypeError(`fleet sync: ${key} has no hash (export with exportSiteBackup)`);
      hashes[key] = entity.hash;
      const s = statusKey(kind, entity);
      if (s !== undefined) status[key] = s;
      if (options.full || previous.hashes[key] !== entity.hash) items.push({ list, entity });
      else if (s !== undefined && previous.status[key] !== s)
        items.push({
          list: 'status',
          entity: statusUpdate(kind as 'device' | 'gateway', entityKey(kind, entity), entity),
        });
    }
  if (!options.full)
    for (const key of Object.keys(previous.hashes))
      if (!(key in hashes)) {
        const [kind, ...rest] = key.split(':');
        items.push({
          list: 'tombstones',
          entity: {
            kind: kind as FleetEntityKind,
            key: rest.join(':'),
            removed_at: options.now.toISOString(),
          },
        });
      }
  const batches = chunk(
    items,
    options.maxPerBatch ?? 500,
    options.full,
    (seq) => emptyBatch(snapshot, previous.epoch, seq, options.now),
    previous.sequence + 1,
  );
  return {
    batches,
    state: { epoch: previous.epoch, sequence: previous.sequence + batches.length, hashes, status },
  };
}
