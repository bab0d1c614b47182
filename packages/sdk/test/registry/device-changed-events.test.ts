// The registry provider handlers emit io.fieldops.registry.device.changed.v1 into an outbox (a real
// @fieldops/bus outbox on PGlite) for every device write, and nothing for a refused write.
import { createOutbox, migrate, type SqlDatabase } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRegistryBackend, createRegistryHandler } from '../../src/registry/index.js';
import { deviceBody } from './fixtures.js';

let db: SqlDatabase;
beforeAll(async () => {
  db = await createPgliteDatabase();
  await migrate(db);
});
afterAll(() => db?.close());

async function events() {
  const { rows } = await db.query('SELECT payload FROM fieldops_bus.outbox ORDER BY seq');
  return (rows as { payload: string }[]).map((r) => JSON.parse(r.payload));
}

describe('registry provider handlers → outbox', () => {
  it('appends one device.changed event per write (created, updated, observed_state_changed), none for a 412', async () => {
    const outbox = createOutbox({ db });
    const handler = createRegistryHandler({ backend: createMemoryRegistryBackend(), events: outbox });
    const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      handler(
        new Request(`http://crm.test/api/v1${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }),
      );
    const created = await call('PUT', '/devices/dev_0001abcd', deviceBody());
    expect(created.status).toBe(201);
    const updated = await call(
      'PUT',
      '/devices/dev_0001abcd',
      deviceBody('dev_0001abcd', { product_version: '1.3.0' }),
    );
    expect(updated.status).toBe(200);
    const observed = await call('PATCH', '/devices/dev_0001abcd/observed-state', {
      observed_at: '2026-11-30T10:00:00Z',
      source: 'chirpstack',
      data: { online: true },
    });
    expect(observed.status).toBe(200);
    const refused = await call('PUT', '/devices/dev_0001abcd', deviceBody(), { 'if-match': '"stale"' });
    expect(refused.status).toBe(412);
    const list = await events();
    expect(list.map((e) => [e.type, e.source, e.data.change, e.data.device_id])).toEqual([
      ['io.fieldops.registry.device.changed.v1', '/registry', 'created', 'dev_0001abcd'],
      ['io.fieldops.registry.device.changed.v1', '/registry', 'updated', 'dev_0001abcd'],
      ['io.fieldops.registry.device.changed.v1', '/registry', 'observed_state_changed', 'dev_0001abcd'],
    ]);
    expect(list[2].data.version).toBe(1);
    expect(list[0].data.site_id).toBe('site_bkk00001');
    expect(new Set(list.map((e) => e.id)).size).toBe(3);
  });
});
