// The SQL registry store (createSqlRegistryBackend) on PGlite and on a real PostgreSQL: it passes the
// registry conformance verifier behind the provider handlers, and each device write commits in one
// transaction with its io.fieldops.registry.device.changed.v1 outbox row (a failed append undoes the write).
import { createOutbox, migrate, type SqlDatabase } from '@fieldops/bus';
import { createPgDatabase } from '@fieldops/bus/pg';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import {
  createRegistryHandler,
  createSqlRegistryBackend,
  migrateRegistryStore,
  type ServedHandler,
  serveFetchHandler,
} from '../../src/registry/index.js';
import { deviceBody, executionSpec } from './fixtures.js';

const TOKEN = 'sql-store-token-9c41';
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const missing = process.env.FIELDOPS_CI === '1' ? undefined : missingServer('postgres');
let postgres: TestServer | undefined;

async function database(kind: 'pglite' | 'postgres'): Promise<SqlDatabase> {
  let db: SqlDatabase;
  if (kind === 'pglite') db = await createPgliteDatabase();
  else {
    if (!postgres) {
      const server = await startPostgres();
      postgres = server;
      closers.unshift(() => server.stop());
    }
    db = await createPgDatabase({ connectionString: postgres.url, max: 4 });
  }
  closers.push(() => db.close());
  await migrate(db);
  await migrateRegistryStore(db);
  return db;
}

async function outboxIds(db: SqlDatabase): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM fieldops_bus.outbox ORDER BY seq');
  return (rows as { id: string }[]).map((r) => r.id);
}

for (const kind of ['pglite', 'postgres'] as const) {
  const skip = kind === 'postgres' && missing !== undefined;
  describe.skipIf(skip)(`SQL registry store on ${kind}`, { timeout: 120_000 }, () => {
    it('passes `fieldops verify registry` behind the provider handlers', async () => {
      const db = await database(kind);
      const backend = createSqlRegistryBackend({ db, apiTokens: [TOKEN], events: createOutbox({ db }) });
      const spec = executionSpec();
      await backend.putDeploymentSpec(spec);
      const served: ServedHandler = await serveFetchHandler(createRegistryHandler({ backend }), {
        port: 0,
        host: '127.0.0.1',
      });
      closers.push(() => served.close());
      let out = '';
      const code = await runCli(
        [
          'verify',
          'registry',
          '--base-url',
          served.url,
          '--token',
          TOKEN,
          '--deployment-id',
          spec.deployment_id,
        ],
        { stdout: (t) => (out += t), stderr: (t) => (out += t), cwd: process.cwd(), env: {} },
      );
      expect(out).toMatch(/\d+ passed, 0 failed, 0 skipped/);
      expect(code).toBe(0);
      // Every device write the verifier made left exactly one event, named by the device's ETag.
      const { rows } = await db.query('SELECT device_id, revision FROM fieldops_registry.devices');
      const expected = (rows as { device_id: string; revision: number }[]).flatMap((r) =>
        Array.from({ length: r.revision }, (_, i) => `${r.device_id}@"r${i + 1}"`),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect((await outboxIds(db)).sort()).toEqual(expected.sort());
    });

    it('commits a device write and its device.changed event together, or neither', async () => {
      const db = await database(kind);
      await db.query('TRUNCATE fieldops_bus.outbox');
      const outbox = createOutbox({ db });
      const backend = createSqlRegistryBackend({ db, events: outbox });
      expect(backend.appendsDeviceEvents).toBe(true);
      const { device } = await backend.putDevice('dev_0009sqlx', deviceBody('dev_0009sqlx'), {});
      expect(device.etag).toBe('"r1"');
      await backend.patchObservedState(
        'dev_0009sqlx',
        { observed_at: '2026-11-30T10:00:00Z', source: 'chirpstack', data: { online: true } },
        { ifMatch: '"r1"' },
      );
      // An append that fails inside the transaction takes the device write with it.
      let failing = false;
      const flaky = createSqlRegistryBackend({
        db,
        events: {
          async append(events, options) {
            await outbox.append(events, options);
            if (failing) throw new Error('outbox refused');
          },
        },
      });
      failing = true;
      await expect(
        flaky.putDevice('dev_0009sqlx', deviceBody('dev_0009sqlx', { product_version: '9.9.9' }), {}),
      ).rejects.toThrow('outbox refused');
      const after = await backend.getDevice('dev_0009sqlx');
      expect(after.product_version).toBe('1.2.0');
      expect(after.etag).toBe('"r2"');
      expect(after.observed_state?.version).toBe(1);
      expect(await outboxIds(db)).toEqual(['dev_0009sqlx@"r1"', 'dev_0009sqlx@"r2"']);
      // A refused write (412) writes nothing and appends nothing.
      await expect(
        backend.putDevice('dev_0009sqlx', deviceBody('dev_0009sqlx'), { ifMatch: '"r1"' }),
      ).rejects.toMatchObject({ status: 412 });
      expect(await outboxIds(db)).toHaveLength(2);
    });

    it('refuses a handler `events` option when the backend already appends in its transaction', async () => {
      const db = await database(kind);
      const outbox = createOutbox({ db });
      expect(() =>
        createRegistryHandler({ backend: createSqlRegistryBackend({ db, events: outbox }), events: outbox }),
      ).toThrow(/own write transaction/);
    });
  });
}
