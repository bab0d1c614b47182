// Issue 16 item 6: one apply per site. The lock survives its holder's death (SIGKILL) until it
// expires, is then taken over, and a holder that stalled past its expiry finds out before its next change.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireSiteLock,
  readRunJournal,
  SiteLockedError,
  SiteLockLostError,
} from '../../src/chirpstack/index.js';
import { startFakeChirpStack } from '../../src/testing/chirpstack.js';

const DIST = join(import.meta.dirname, '../../dist/chirpstack/index.js');
const BIN = join(import.meta.dirname, '../../dist/cli/main.js');

describe('site apply lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fieldops-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a second apply fails naming the holder; after release the next takes the next generation', async () => {
    const a = await acquireSiteLock({ dir, site: 'site-1', owner: 'alice@ops' });
    const error = await acquireSiteLock({ dir, site: 'site-1', owner: 'bob@ops' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SiteLockedError);
    expect((error as Error).message).toMatch(
      /site site-1 is locked by alice@ops \(pid \d+ on .+, since .+, expires .+\)/,
    );
    await a.release();
    const b = await acquireSiteLock({ dir, site: 'site-1', owner: 'bob@ops' });
    expect(b.holder.generation).toBe(a.holder.generation + 1);
    await expect(a.check()).rejects.toBeInstanceOf(SiteLockLostError);
    await b.release();
  });

  it('one of many simultaneous takers wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => acquireSiteLock({ dir, site: 's', owner: `op-${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason instanceof SiteLockedError),
    ).toBe(true);
  });

  it('waits for a holder that releases', async () => {
    const a = await acquireSiteLock({ dir, site: 's', owner: 'alice' });
    setTimeout(() => void a.release(), 200);
    const b = await acquireSiteLock({ dir, site: 's', owner: 'bob', waitMs: 30_000, pollMs: 20 });
    expect(b.holder.owner).toBe('bob');
  });

  it('survives the SIGKILL of its holder until it expires, then is taken over; the stalled holder stops', async () => {
    // A real process takes the lock (30 s) and is killed without letting go.
    const script = `const { acquireSiteLock } = await import(${JSON.stringify(DIST)});
      await acquireSiteLock({ dir: ${JSON.stringify(dir)}, site: 's', owner: 'killed-op', ttlMs: 30000 });
      process.stdout.write('held\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => String(d).includes('held') && resolve()),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const refused = await acquireSiteLock({ dir, site: 's', owner: 'bob' }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain(`locked by killed-op (pid ${child.pid}`);
    // After the expiry (a clock 31 s ahead), bob takes it over as generation 2.
    const later = () => new Date(Date.now() + 31_000);
    const bob = await acquireSiteLock({ dir, site: 's', owner: 'bob', now: later });
    expect(bob.holder.generation).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['gen-000000000001.json', 'gen-000000000002.json']);

    // A holder that stalls past its expiry is taken over too, and its next check stops it.
    const carol = await acquireSiteLock({
      dir,
      site: 's',
      owner: 'carol',
      now: () => new Date(Date.now() + 200_000),
    });
    await expect(bob.check()).rejects.toThrow(/expired and was taken over by carol/);
    await expect(bob.renew()).rejects.toBeInstanceOf(SiteLockLostError);
    await carol.release();
  }, 60_000);

  it('`fieldops chirpstack apply`: a second apply on the same site is refused while the first runs, and the journal says who applied what', async () => {
    const fake = await startFakeChirpStack({ latencyMs: 40 });
    try {
      const spec = {
        tenant: { name: 'lock-site' },
        applications: [{ name: 'sensors' }],
        device_profiles: [],
        gateways: Array.from({ length: 20 }, (_, i) => ({
          gateway_eui: `aa555a00000001${String(i).padStart(2, '0')}`,
          name: `gw-${i}`,
        })),
        devices: [],
      };
      await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
      const run = (owner: string) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            [
              BIN,
              'chirpstack',
              'apply',
              '--spec',
              'spec.json',
              '--chirpstack',
              fake.target,
              '--site',
              'site_01JD0000000000000000000007',
              '--concurrency',
              '1',
              '--owner',
              owner,
              '--log-level',
              'silent',
            ],
            { cwd: dir, env: { ...process.env, CHIRPSTACK_API_TOKEN: fake.apiToken } },
          );
          let err = '';
          child.stderr.on('data', (d) => {
            err += d;
          });
          child.on('close', (code) => resolve({ code, err }));
        });
      const first = run('alice@ops');
      // Start the second once the first holds the lock.
      const locks = join(dir, '.fieldops/locks/site_01JD0000000000000000000007');
      for (;;) {
        if ((await readdir(locks).catch(() => [])).length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Slow the site down while the second runs, so the first cannot finish first on a loaded machine.
      fake.setLatency(2_000);
      const second = await run('bob@ops');
      fake.setLatency(0);
      expect(second.code).toBe(1);
      expect(second.err).toContain('is locked by alice@ops');
      expect((await first).code).toBe(0);
      const journal = await readRunJournal(
        join(dir, '.fieldops/journal/site_01JD0000000000000000000007.jsonl'),
      );
      expect(
        journal.map((r) => [
          r.owner,
          r.ended_at !== undefined,
          r.changes.filter((c) => c.state === 'done').length,
        ]),
      ).toEqual([['alice@ops', true, 22]]);
    } finally {
      await fake.stop();
    }
  }, 300_000);
});
