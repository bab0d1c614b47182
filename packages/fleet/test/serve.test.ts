import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BusMessage, subjectForType } from '@fieldops/bus';
import { createJetStreamBus } from '@fieldops/bus/nats';
import { missingServer, startNats } from '@fieldops/bus/testing';
import { Health, SitePage } from '@fieldops/contracts/fleet/v1';
import { createChirpStackClient } from '@fieldops/sdk/chirpstack';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { afterAll, describe, expect, it } from 'vitest';
import { createFleetSyncer, createMemorySyncState } from '../src/index.js';

// `fieldops-fleet serve`: the centre as a process, on an embedded PGlite directory.

const BIN = fileURLToPath(new URL('../bin/fieldops-fleet.js', import.meta.url));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(line);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  url.catch(() => undefined); // awaited by the tests that expect a URL; the others expect an exit
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('fieldops-fleet serve', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('serves the read-only view on a PGlite directory, asks for the token, stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-serve-'));
    dirs.push(dir);
    const p = start(['serve', '--pglite', dir, '--port', '0', '--token-env', 'CENTRE_TOKEN'], {
      CENTRE_TOKEN: 'serve-token-0123456789',
    });
    children.push(p.child);
    const url = await p.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Health.parse(await (await fetch(`${url}/api/v1/ready`)).json()).status).toBe('ok');
    expect((await fetch(`${url}/api/v1/sites`)).status).toBe(401);
    const sites = await fetch(`${url}/api/v1/sites`, {
      headers: { authorization: 'Bearer serve-token-0123456789' },
    });
    expect(SitePage.parse(await sites.json())).toEqual({ items: [], next_cursor: null });
    expect((await fetch(`${url}/api/v1/sites`, { method: 'DELETE' })).status).toBe(405);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output().stderr).toContain('"msg":"fleet centre listening"');
    expect(p.output().stderr).not.toContain('serve-token-0123456789');
  });

  it('refuses a bad command line with the usage and exit code 2', async () => {
    for (const args of [
      ['serve'],
      ['serve', '--pglite', '/tmp/x', '--postgres-env', 'PG'],
      ['serve', '--pglite', '/tmp/x', '--port', 'http'],
      ['run'],
    ]) {
      const p = start(args);
      expect(await p.exited, args.join(' ')).toBe(2);
      expect(p.output().stderr).toContain('Usage: fieldops-fleet serve');
    }
  });
});

// `--nats`: the centre process also runs the fleet-mirror consumer on JetStream. A site's sync batches
// (made by the real syncer from a fake ChirpStack) are published on the bus here, as a site's relay
// does, and must show in the view the process serves over HTTP.
describe.skipIf(missingServer('nats'))('fieldops-fleet serve --nats', () => {
  it('applies the sync batches published on JetStream and serves them over HTTP', async () => {
    const nats = await startNats(); // nats-server -js on a free loopback port, its own store directory
    const dir = await mkdtemp(join(tmpdir(), 'fleet-serve-nats-'));
    const chirpstack = await startFakeChirpStack();
    const client = createChirpStackClient({ target: chirpstack.target, apiToken: chirpstack.apiToken });
    const site = await createJetStreamBus({ servers: nats.url, name: 'site', publishTimeoutMs: 10_000 });
    let p: ReturnType<typeof start> | undefined;
    try {
      const tenantId = await client.createTenant({ name: 'plant-1' });
      await client.createApplication({ tenant_id: tenantId, name: 'sensors' });
      p = start(['serve', '--pglite', dir, '--port', '0', '--nats', nats.url]);
      const url = await p.url;
      expect(SitePage.parse(await (await fetch(`${url}/api/v1/sites`)).json()).items).toEqual([]);

      const siteId = 'site_01JD0000000000000000000007';
      const syncer = createFleetSyncer({ client, siteId, state: createMemorySyncState() });
      const published: BusMessage[] = [];
      const round = await syncer.round(async (events) => {
        const messages = events.map(
          (e): BusMessage => ({
            subject: subjectForType(e.type),
            id: `${e.source} ${e.id}`,
            data: new TextEncoder().encode(JSON.stringify(e)),
            headers: { 'ce-id': e.id, 'ce-source': e.source, 'ce-type': e.type },
          }),
        );
        const outcomes = await site.publisher.publishBatch(messages);
        expect(outcomes.map((o) => o.ok)).toEqual(messages.map(() => true));
        published.push(...messages);
      });
      expect(published.length).toBeGreaterThan(0);

      // The consumer applies the batches asynchronously: poll the HTTP view (up to 120 s on a loaded machine).
      let row: SitePage['items'][number] | undefined;
      for (let i = 0; i < 1200 && row?.last_sequence !== round.sequences[1]; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        row = SitePage.parse(await (await fetch(`${url}/api/v1/sites`)).json()).items.find(
          (s) => s.site_id === siteId,
        );
      }
      expect(row).toMatchObject({ site_id: siteId, last_sequence: round.sequences[1], stale: false });
      expect(p.output().stderr).toContain('"consuming":true');

      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
      await site.close();
      client.close();
      await chirpstack.stop();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
