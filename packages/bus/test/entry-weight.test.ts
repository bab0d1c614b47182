import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BusMissingPeerError } from '../src/index.js';
import { loadPeer } from '../src/internal/load-peer.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const HEAVY = ['pg', '@electric-sql/pglite', '@nats-io/transport-node', '@nats-io/jetstream', 'mqtt'];

// Which heavy clients does importing an entry of the built package load?
function loadedBy(entry: string): string[] {
  const script = `
    const { createRequire } = require('node:module');
    const before = new Set(Object.keys(require.cache));
    require(${JSON.stringify(entry)});
    const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
    const heavy = ${JSON.stringify(HEAVY)};
    console.log(JSON.stringify(heavy.filter((h) => loaded.some((k) => k.includes('/node_modules/' + h + '/')))));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim()) as string[];
}

describe('install weight', () => {
  it('the root entry and the adapter entries load no database or protocol client at import time', () => {
    for (const entry of [
      '@fieldops/bus',
      '@fieldops/bus/pg',
      '@fieldops/bus/pglite',
      '@fieldops/bus/nats',
      '@fieldops/bus/mqtt',
    ]) {
      expect([entry, loadedBy(entry)]).toEqual([entry, []]);
    }
  });

  it('a missing optional peer becomes an error naming the package to install', async () => {
    const error = await loadPeer(
      '@nats-io/jetstream',
      '@fieldops/bus/nats',
      () => import('@fieldops/not-installed-peer' as string),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusMissingPeerError);
    expect((error as Error).message).toBe(
      '@fieldops/bus/nats needs the package "@nats-io/jetstream", which is not installed: run `npm install @nats-io/jetstream`',
    );
  });

  it('any other load failure is not disguised as a missing package', async () => {
    const boom = new Error('syntax error in module');
    await expect(loadPeer('mqtt', '@fieldops/bus/mqtt', () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
