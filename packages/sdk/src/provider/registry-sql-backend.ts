import type { automation, registry } from '@fieldops/contracts';
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Clock } from '@fieldops/core';
import { clockOf } from '../internal/clock.js';
import { ProviderError } from './errors.js';
import type { RegistryBackend } from './registry-backend.js';
import { buildDeviceChangedEvent, type DeviceChange } from './registry-device-event.js';
import {
  type RegistrySqlDatabase,
  type RegistrySqlExecutor,
  REGISTRY_SCHEMA as S,
} from './registry-sql-schema.js';
import {
  applyRunUpdate,
  buildPatchedDevice,
  buildPutDevice,
  checkIfMatch,
  checkPut,
} from './registry-writes.js';

/** Where the store appends its events, inside the write's transaction: an `@fieldops/bus` Outbox fits. */
export interface TransactionalEventSink {
  append(events: readonly CloudEvent[], options: { tx: RegistrySqlExecutor }): Promise<unknown>;
}

/** Options of {@link createSqlRegistryBackend}. */
export interface SqlRegistryBackendOptions {
  /** A migrated database (see `migrateRegistryStore`), Postgres or PGlite. */
  db: RegistrySqlDatabase;
  /** Receives `io.fieldops.registry.device.changed.v1` in the transaction of each device write. */
  events?: TransactionalEventSink;
  /** CloudEvents `source` of those events; default `/registry`. */
  eventSource?: string;
  /** Accepted bearer tokens; when empty every token (and none) is accepted. */
  apiTokens?: readonly string[];
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
}

/** The SQL registry backend, with a seeding helper. */
export interface SqlRegistryBackend extends RegistryBackend {
  /** Stores an execution spec for `getDeploymentSpec`. */
  putDeploymentSpec(spec: automation.ExecutionSpec): Promise<void>;
}

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (c: string) => Buffer.from(c, 'base64url').toString('utf8');
const etagOf = (revision: number) => `"r${revision}"`;

/**
 * A RegistryBackend on Postgres or PGlite. Each device write and its `device.changed` event commit in
 * one transaction: a process killed between the write and the publish neither loses the event (it is in
 * the outbox with the write) nor invents one (a write rolled back takes its event with it).
 */
export function createSqlRegistryBackend(options: SqlRegistryBackendOptions): SqlRegistryBackend {
  const { db, events } = options;
  const clock = clockOf(options);
  const now = () => clock.now();
  const iso = () => new Date(now()).toISOString();
  const tokens = new Set(options.apiTokens ?? []);

  async function lockDevice(tx: RegistrySqlExecutor, id: string) {
    const { rows } = await tx.query(
      `SELECT revision, body FROM ${S}.devices WHERE device_id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] as { revision: number; body: registry.Device } | undefined;
  }

  async function write(tx: RegistrySqlExecutor, d: registry.Device, revision: number, change: DeviceChange) {
    await tx.query(
      `INSERT INTO ${S}.devices (device_id, revision, body) VALUES ($1, $2, $3)
       ON CONFLICT (device_id) DO UPDATE SET revision = EXCLUDED.revision, body = EXCLUDED.body`,
      [d.device_id, revision, JSON.stringify(d)],
    );
    if (events) await events.append([buildDeviceChangedEvent(d, change, options.eventSource)], { tx });
  }

  async function putOnce(
    id: string,
    body: registry.DeviceUpsert,
    c: Parameters<RegistryBackend['putDevice']>[2],
  ) {
    return db.transaction(async (tx) => {
      const row = await lockDevice(tx, id);
      checkPut(id, body, row?.body, c);
      const revision = (row?.revision ?? 0) + 1;
      const d = buildPutDevice(body, row?.body, iso(), etagOf(revision));
      if (!row) {
        // Two first writes at once: the loser inserts nothing and is retried against the winner's row.
        const { rows } = await tx.query(
          `INSERT INTO ${S}.devices (device_id, revision, body) VALUES ($1, $2, $3)
           ON CONFLICT (device_id) DO NOTHING RETURNING device_id`,
          [id, revision, JSON.stringify(d)],
        );
        if (rows.length === 0) return undefined;
        if (events) await events.append([buildDeviceChangedEvent(d, 'created', options.eventSource)], { tx });
      } else await write(tx, d, revision, 'updated');
      return { device: d, created: !row };
    });
  }

  return {
    appendsDeviceEvents: events !== undefined,
    async listDevices(q) {
      const limit = q.limit ?? 100;
      const { rows } = await db.query(
        `SELECT body FROM ${S}.devices
         WHERE ($1::text IS NULL OR body->>'site_id' = $1) AND ($2::text IS NULL OR body->>'deployment_id' = $2)
           AND ($3::text IS NULL OR body->>'customer_id' = $3) AND ($4::text IS NULL OR body->>'role' = $4)
           AND ($5::text IS NULL OR device_id > $5)
         ORDER BY device_id LIMIT $6`,
        [
          q.site_id ?? null,
          q.deployment_id ?? null,
          q.customer_id ?? null,
          q.role ?? null,
          q.cursor ? decodeCursor(q.cursor) : null,
          limit + 1,
        ],
      );
      const all = (rows as { body: registry.Device }[]).map((r) => r.body);
      const items = all.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next_cursor: all.length > limit && last ? encodeCursor(last.device_id) : null };
    },
    async getDevice(id) {
      const { rows } = await db.query(`SELECT body FROM ${S}.devices WHERE device_id = $1`, [id]);
      const row = rows[0] as { body: registry.Device } | undefined;
      if (!row) throw new ProviderError(404, 'not_found', `registry: no device ${id}`);
      return row.body;
    },
    async putDevice(id, body, c) {
      return (await putOnce(id, body, c)) ?? (await putOnce(id, body, c))!;
    },
    async patchObservedState(id, patch, c) {
      return db.transaction(async (tx) => {
        const row = await lockDevice(tx, id);
        if (!row) throw new ProviderError(404, 'not_found', `registry: no device ${id}`);
        checkIfMatch(row.body, c);
        const revision = row.revision + 1;
        const next = buildPatchedDevice(row.body, patch, iso(), () => etagOf(revision));
        await write(tx, next, revision, 'observed_state_changed');
        return next;
      });
    },
    async putDeploymentSpec(spec) {
      await db.query(
        `INSERT INTO ${S}.deployment_specs (deployment_id, spec) VALUES ($1, $2)
         ON CONFLICT (deployment_id) DO UPDATE SET spec = EXCLUDED.spec`,
        [spec.deployment_id, JSON.stringify(spec)],
      );
    },
    async getDeploymentSpec(id) {
      const { rows } = await db.query(`SELECT spec FROM ${S}.deployment_specs WHERE deployment_id = $1`, [
        id,
      ]);
      const row = rows[0] as { spec: automation.ExecutionSpec } | undefined;
      if (!row) throw new ProviderError(404, 'not_found', `registry: no deployment ${id}`);
      return row.spec;
    },
    async createRun(run) {
      const { rows } = await db.query(
        `INSERT INTO ${S}.runs (run_id, record) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING RETURNING run_id`,
        [run.automation_run_id, JSON.stringify(run)],
      );
      if (rows.length === 0)
        throw new ProviderError(409, 'already_exists', `registry: run ${run.automation_run_id} exists`);
      return run;
    },
    async updateRun(id, u) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query(`SELECT record FROM ${S}.runs WHERE run_id = $1 FOR UPDATE`, [id]);
        const row = rows[0] as { record: automation.RunRecord } | undefined;
        if (!row) throw new ProviderError(404, 'not_found', `registry: no run ${id}`);
        const next = applyRunUpdate(row.record, u);
        await tx.query(`UPDATE ${S}.runs SET record = $2 WHERE run_id = $1`, [id, JSON.stringify(next)]);
        return next;
      });
    },
    async createTicket(t) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query(`SELECT nextval('${S}.tickets_seq_seq')::int AS n`);
        const n = (rows[0] as { n: number }).n;
        const ticket: registry.Ticket = {
          ticket_id: `TCK-${n}`,
          status: 'open',
          created_at: iso(),
          title: t.title,
          severity: t.severity,
        };
        await tx.query(`INSERT INTO ${S}.tickets (seq, ticket) VALUES ($1, $2)`, [n, JSON.stringify(ticket)]);
        return ticket;
      });
    },
    async health() {
      try {
        await db.query('SELECT 1');
        return { status: 'ok', version: '1', time: iso() };
      } catch {
        return { status: 'down', version: '1', time: iso() };
      }
    },
    ...(tokens.size ? { isValidToken: (t: string) => tokens.has(t) } : {}),
  };
}
