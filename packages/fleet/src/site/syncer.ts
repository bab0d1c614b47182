import { randomUUID } from 'node:crypto';
import type { FleetSyncBatch } from '@fieldops/contracts/chirpstack/v1';
import { buildEvent, type EventOf } from '@fieldops/contracts/events/v1';
import type { Clock } from '@fieldops/core';
import {
  type BackupReader,
  type DeviceReadCache,
  exportSiteBackup,
  type IntegrationSecretRefSource,
  type KeyRefSource,
} from '@fieldops/sdk/chirpstack';
import { dateSource } from '../clock.js';
import { buildSyncBatches, type SiteSyncState } from './batches.js';
import type { SyncStateStore } from './state.js';

/** The event a fleet sync batch travels in. */
export const FLEET_SYNCED = 'io.fieldops.chirpstack.fleet.synced.v1';
/** A fleet sync event. */
export type FleetSyncedEvent = EventOf<typeof FLEET_SYNCED>;

/** Hands events to the site's outbox; resolves once they are stored (the agent's `emit`). */
export type EmitEvents = (events: readonly FleetSyncedEvent[]) => Promise<void>;

/** Options of {@link createFleetSyncer}. */
export interface FleetSyncerOptions {
  /** The site's ChirpStack (a read-only client is enough). */
  client: BackupReader;
  siteId: string;
  /** Where device keys live (references only ever leave the site). */
  keyRefs?: KeyRefSource;
  /** Where the applications' integration secrets live (references only ever leave the site). */
  integrationSecretRefs?: IntegrationSecretRefSource;
  /**
   * Fingerprint the keys each device really holds (one GetKeys per device per round), so keys
   * edited by hand reach the centre's backup (default true). false: the fingerprint fieldops wrote.
   */
  readKeys?: boolean;
  tenantIds?: string[];
  /** What was last sent; a file in production (`createFileSyncState`). */
  state: SyncStateStore;
  maxPerBatch?: number;
  /** The clock (core's `Clock`) every time stamp reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  newEpoch?: () => string;
}

/** What one round sent. */
export interface SyncRound {
  full: boolean;
  batches: number;
  /** First and last sequence sent. */
  sequences: [number, number];
  /** Bytes of the events as JSON (what goes on the wire). */
  bytes: number;
  /** Batches of an interrupted round sent again first. */
  resent: number;
}

/** The event of one batch: id `<epoch>-<sequence>` (the outbox and the bus dedup on it). */
export function fleetSyncEvent(batch: FleetSyncBatch): FleetSyncedEvent {
  return buildEvent(FLEET_SYNCED, batch, {
    source: `urn:fieldops:site:${batch.site_id}:fleet`,
    id: `${batch.epoch}-${batch.sequence}`,
    subject: batch.site_id,
    time: batch.produced_at,
  });
}

/** The site half of the fleet sync. */
export interface FleetSyncer {
  /** One round: export, compare with what was sent, emit the batches. */
  round(emit: EmitEvents): Promise<SyncRound>;
  /** The next round sends everything (the centre asked, or an operator). */
  requestFull(): void;
  /** The syncer as an agent producer (`createAgent({ producers })`), one round every `intervalMs`. */
  producer(options: { intervalMs: number; onError?: (error: unknown) => void }): {
    name: string;
    start(emit: EmitEvents): void;
    stop(): Promise<void>;
    health(): Record<string, unknown>;
  };
}

/**
 * Creates the site side of the site -> centre fleet sync. Each round exports a restorable snapshot
 * (devices re-read only when their `updated_at` moved), builds the batches against what was last
 * sent, stores them as pending, emits them, then clears them: after a crash the same batches (same
 * ids) are emitted again first, so the centre sees no gap and no batch twice. The first round,
 * and a round after {@link FleetSyncer.requestFull}, is a full sync.
 */
export function createFleetSyncer(options: FleetSyncerOptions): FleetSyncer {
  const now = dateSource(options);
  const cache: DeviceReadCache = new Map();
  let fullRequested = false;
  const bytesOf = (events: FleetSyncedEvent[]) =>
    events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);

  async function round(emit: EmitEvents): Promise<SyncRound> {
    let state = await options.state.load();
    let resent = 0;
    if (state && state.pending.length > 0) {
      await emit(state.pending.map(fleetSyncEvent));
      resent = state.pending.length;
      state = { ...state, pending: [] };
      await options.state.save(state);
    }
    const snapshot = await exportSiteBackup(options.client, {
      siteId: options.siteId,
      cache,
      clock: { now: () => now().getTime() },
      readKeys: options.readKeys ?? true,
      ...(options.keyRefs ? { keyRefs: options.keyRefs } : {}),
      ...(options.integrationSecretRefs ? { integrationSecretRefs: options.integrationSecretRefs } : {}),
      ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
    });
    const full = !state || fullRequested;
    const base: Omit<SiteSyncState, 'pending'> = state ?? {
      epoch: (options.newEpoch ?? randomUUID)(),
      sequence: 0,
      hashes: {},
      status: {},
    };
    const { batches, state: next } = buildSyncBatches(snapshot, base, {
      full,
      now: now(),
      ...(options.maxPerBatch ? { maxPerBatch: options.maxPerBatch } : {}),
    });
    await options.state.save({ ...next, pending: batches });
    const events = batches.map(fleetSyncEvent);
    await emit(events);
    await options.state.save({ ...next, pending: [] });
    fullRequested = false;
    return {
      full,
      batches: batches.length,
      sequences: [batches[0]!.sequence, batches.at(-1)!.sequence],
      bytes: bytesOf(events),
      resent,
    };
  }

  return {
    round,
    requestFull() {
      fullRequested = true;
    },
    producer({ intervalMs, onError }) {
      let timer: ReturnType<typeof setInterval> | undefined;
      let running: Promise<unknown> | undefined;
      let last: SyncRound | undefined;
      let lastError: string | undefined;
      return {
        name: 'fleet-sync',
        start(emit) {
          const tick = () => {
            if (running) return;
            running = round(emit)
              .then((r) => {
                last = r;
                lastError = undefined;
              })
              .catch((error: unknown) => {
                lastError = String((error as Error)?.message ?? error).slice(0, 400);
                onError?.(error);
              })
              .finally(() => {
                running = undefined;
              });
          };
          tick();
          timer = setInterval(tick, intervalMs);
          timer.unref?.();
        },
        async stop() {
          if (timer) clearInterval(timer);
          await running;
        },
        health: () => ({
          ...(last ? { last_round: last } : {}),
          ...(lastError ? { last_error: lastError } : {}),
        }),
      };
    },
  };
}
