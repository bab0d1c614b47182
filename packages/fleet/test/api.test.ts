import type { SqlDatabase } from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { FleetStatus, Site, SiteDevicePage, SiteGatewayPage, SitePage } from '@fieldops/contracts/fleet/v1';
import { createChirpStackClient, restoreSite } from '@fieldops/sdk/chirpstack';
import type { ServedHandler } from '@fieldops/sdk/registry';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore, type FleetStore, serveFleetApi } from '../src/index.js';
import { eui, KEY, resolveSecret, startCentre, startTestSite, type TestSite } from './support/centre.js';

// Issue 16 item 3: the central read-only view (contract fleet.v1) on a real HTTP server over a
// PGlite mirror fed by two fake ChirpStack sites' syncers.

const TOKEN = 'centre-token-0123456789';

describe('the central fleet view over HTTP', () => {
  let db: SqlDatabase;
  let store: FleetStore;
  let api: ServedHandler;
  let clock = new Date('2026-11-30T10:00:00Z');
  const now = () => clock;
  const sites: TestSite[] = [];
  const errors: unknown[] = [];

  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
  const body = async (path: string) => {
    const res = await get(path);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    // Core's Clock (issue 12) everywhere: the stale flags and last-sync times below read it, and the
    // deprecated `now` given beside it is ignored.
    const clockOpts = { clock: { now: () => clock.getTime() }, now: () => new Date(0) };
    ({ db, store } = await startCentre({ ...clockOpts, staleAfterMs: 10 * 60_000 }));
    sites.push(await startTestSite(1, 5, db, now), await startTestSite(2, 3, db, now));
    // Site 1: device 0 heard 10 minutes ago, device 1 three hours ago, the rest never.
    sites[0]!.fake.setDeviceSeen(eui(1, 0), new Date(clock.getTime() - 10 * 60_000));
    sites[0]!.fake.setDeviceSeen(eui(1, 1), new Date(clock.getTime() - 3 * 3600_000));
    for (const s of sites) await s.sync();
    // Site 2 removes a device: a tombstone at the centre.
    await sites[1]!.client.deleteDevice(eui(2, 2));
    await sites[1]!.sync();
    api = await serveFleetApi({ store, token: TOKEN, ...clockOpts, onError: (e) => errors.push(e) });
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    for (const s of sites) await s.stop();
    await db?.close();
  });

  it('lists the sites with their sync state, last-sync time and stale flag', async () => {
    const page = SitePage.parse(await body('/api/v1/sites'));
    expect(page.next_cursor).toBeNull();
    expect(page.items.map((s) => [s.site_id, s.devices, s.gateways, s.removed, s.stale])).toEqual([
      [sites[0]!.id, 5, 1, 0, false],
      [sites[1]!.id, 2, 1, 1, false],
    ]);
    expect(page.items[1]!.last_sync_at).toBe(clock.toISOString());
    // Quiet for longer than the stale window: still listed, flagged stale, last sync unchanged.
    const before = clock;
    clock = new Date(clock.getTime() + 11 * 60_000);
    try {
      const one = Site.parse(await body(`/api/v1/sites/${sites[1]!.id}`));
      expect(one).toMatchObject({ stale: true, last_sync_at: before.toISOString(), devices: 2 });
    } finally {
      clock = before;
    }
  });

  it("lists a site's devices with status and last seen, tombstones on request", async () => {
    const page = SiteDevicePage.parse(await body(`/api/v1/sites/${sites[0]!.id}/devices`));
    expect(page.items.map((d) => [d.device.dev_eui, d.status, d.device.last_seen_at])).toEqual([
      [eui(1, 0), 'active', new Date(clock.getTime() - 10 * 60_000).toISOString()],
      [eui(1, 1), 'inactive', new Date(clock.getTime() - 3 * 3600_000).toISOString()],
      [eui(1, 2), 'never_seen', null],
      [eui(1, 3), 'never_seen', null],
      [eui(1, 4), 'never_seen', null],
    ]);
    // Key references only: never a key value.
    expect(JSON.stringify(page)).not.toContain(KEY);
    expect(page.items[0]!.device.keys).toMatchObject({ nwk_key_ref: 'env:S1_KEY' });

    const site2 = SiteDevicePage.parse(await body(`/api/v1/sites/${sites[1]!.id}/devices`));
    expect(site2.items.map((d) => d.device.dev_eui)).toEqual([eui(2, 0), eui(2, 1)]);
    const withRemoved = SiteDevicePage.parse(
      await body(`/api/v1/sites/${sites[1]!.id}/devices?include_removed=true`),
    );
    const removed = withRemoved.items.find((d) => d.device.dev_eui === eui(2, 2))!;
    expect(removed).toMatchObject({ status: 'removed', removed_at: clock.toISOString() });
  });

  it('pages devices across sites with a cursor: every device once, in order, whatever the page size', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = SiteDevicePage.parse(await body(`/api/v1/devices?limit=3&include_removed=true${q}`));
      expect(page.items.length).toBeLessThanOrEqual(3);
      all.push(...page.items.map((d) => `${d.site_id}/${d.device.dev_eui}`));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    const expected = [
      ...[0, 1, 2, 3, 4].map((i) => `${sites[0]!.id}/${eui(1, i)}`),
      ...[0, 1, 2].map((i) => `${sites[1]!.id}/${eui(2, i)}`),
    ];
    expect(all).toEqual(expected);
    expect(pages).toBe(3);
    // One site through the across-sites list, and the gateways.
    const one = SiteDevicePage.parse(await body(`/api/v1/devices?site_id=${sites[1]!.id}`));
    expect(one.items.map((d) => d.device.dev_eui)).toEqual([eui(2, 0), eui(2, 1)]);
    const gws = SiteGatewayPage.parse(await body('/api/v1/gateways'));
    expect(gws.items.map((g) => [g.site_id, g.gateway.gateway_eui, g.gateway.state])).toEqual([
      [sites[0]!.id, 'aa555a0000000001', 'never_seen'],
      [sites[1]!.id, 'aa555a0000000002', 'never_seen'],
    ]);
    const site1Gws = SiteGatewayPage.parse(await body(`/api/v1/sites/${sites[0]!.id}/gateways`));
    expect(site1Gws.items).toHaveLength(1);
    // Sites page too.
    const first = SitePage.parse(await body('/api/v1/sites?limit=1'));
    expect(first.items.map((s) => s.site_id)).toEqual([sites[0]!.id]);
    const second = SitePage.parse(await body(`/api/v1/sites?limit=1&cursor=${first.next_cursor}`));
    expect(second).toMatchObject({ items: [{ site_id: sites[1]!.id }], next_cursor: null });
  });

  it('sums up the fleet: sites, devices by status, gateways by state', async () => {
    const status = FleetStatus.parse(await body('/api/v1/status'));
    expect(status).toMatchObject({
      sites: { total: 2, stale: 0, syncing_full: 0 },
      devices: { total: 7, active: 1, inactive: 1, never_seen: 5, removed: 1 },
      gateways: { total: 2, online: 0, offline: 0, never_seen: 2, removed: 0 },
      active_window_s: 7200,
      oldest_sync_at: clock.toISOString(),
    });
  });

  it('is read-only: every write method on any path is 405 with Allow: GET, HEAD, and the mirror is unchanged', async () => {
    const before = await store.hashes(sites[0]!.id);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const path of ['/api/v1/sites', `/api/v1/sites/${sites[0]!.id}`, '/api/v1/devices', '/nowhere']) {
        const res = await get(path, {
          method,
          body: JSON.stringify({ site_id: sites[0]!.id }),
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
      }
    }
    expect(await store.hashes(sites[0]!.id)).toEqual(before);
    const head = await get('/api/v1/sites', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses bad input with the contract, its version and the field path; 404 for an unknown site or path', async () => {
    const cases: [string, number, string, string?][] = [
      ['/api/v1/devices?limit=0', 400, 'limit', 'fleet.v1.ListQuery'],
      ['/api/v1/devices?limit=501', 400, 'limit', 'fleet.v1.ListQuery'],
      ['/api/v1/devices?include_removed=yes', 400, 'include_removed', 'fleet.v1.ListQuery'],
      ['/api/v1/devices?site_id=plant-1', 400, 'site_id', 'fleet.v1.ListQuery'],
      ['/api/v1/devices?colour=red', 400, 'colour', 'fleet.v1.ListQuery'],
      ['/api/v1/sites?site_id=x', 400, 'site_id', 'fleet.v1.ListQuery'],
      ['/api/v1/devices?cursor=bm90LWEtY3Vyc29y', 400, 'cursor'],
      ['/api/v1/sites/not-a-site/devices', 400, 'site_id', 'ids.v1.SiteId'],
      ['/api/v1/status?x=1', 400, 'x'],
    ];
    for (const [path, status, field, contract] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      const { error } = (await res.json()) as {
        error: { message: string; contract?: string; details: { path: string }[] };
      };
      expect(
        error.details.map((d) => d.path),
        path,
      ).toContain(field);
      if (contract) expect(error.contract, path).toBe(contract);
      expect(error.message, path).toMatch(/^fleet\.v1 /);
    }
    const unknown = await get('/api/v1/sites/site_01JD0000000000000000000099/devices');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
      'never heard from site site_01JD0000000000000000000099',
    );
    expect((await get('/api/v2/sites')).status).toBe(404);
  });

  it('needs the bearer token, except for health and ready', async () => {
    const anonymous = await fetch(`${api.url}/api/v1/sites`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${api.url}/api/v1/sites`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${api.url}/api/v1/health`)).status).toBe(200);
    const ready = await fetch(`${api.url}/api/v1/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: [{ name: 'store', status: 'ok' }] });
  });

  it('holds a backup that restores a site into an empty ChirpStack with a 0-change plan', async () => {
    const snapshot = FleetSnapshot.parse(await body(`/api/v1/sites/${sites[0]!.id}/backup`));
    expect(snapshot).toMatchObject({ site_id: sites[0]!.id, restorable: true });
    expect(snapshot.devices).toHaveLength(5);
    const empty = await startFakeChirpStack();
    const client = createChirpStackClient({ target: empty.target, apiToken: empty.apiToken });
    try {
      const result = await restoreSite(snapshot, client, { resolveSecret });
      expect(result.problems).toEqual([]);
      expect(result.tenants.map((t) => t.changes_after)).toEqual([0]);
      expect(empty.state.devices.size).toBe(5);
    } finally {
      client.close();
      await empty.stop();
    }
  });

  it('never sends an answer that breaks the contract: a corrupt mirror row is a 500, not bad data', async () => {
    await db.query(
      `INSERT INTO fieldops_fleet.entities (site_id, kind, key, hash, data, updated_at)
       VALUES ($1, 'device', 'ffffffffffffffff', 'sha256:x', '{"name": "no dev_eui"}', now())`,
      [sites[1]!.id],
    );
    try {
      const res = await get(`/api/v1/sites/${sites[1]!.id}/devices`);
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
        'did not satisfy fleet.v1.SiteDevicePage',
      );
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await db.query(`DELETE FROM fieldops_fleet.entities WHERE key = 'ffffffffffffffff'`);
    }
  });

  it('is not ready when the store does not answer (and still alive)', async () => {
    const broken = await createPgliteDatabase();
    const brokenStore = createFleetStore({ db: broken });
    await broken.close();
    const served = await serveFleetApi({ store: brokenStore });
    try {
      const ready = await fetch(`${served.url}/api/v1/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'down',
        checks: [{ name: 'store', status: 'down' }],
      });
      expect((await fetch(`${served.url}/api/v1/health`)).status).toBe(200);
    } finally {
      await served.close();
    }
  });
});
