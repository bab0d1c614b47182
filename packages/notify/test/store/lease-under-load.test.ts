// Issue 14: in the full-size fault run the active replica lost its engine lease to the standby while
// it was busy, not dead: its renewals did not run within the lease time. Here a replica on a real
// PostgreSQL does several lease times of CPU-heavy work (a source adapter that takes 25 ms per event,
// through concurrent `ingest()` calls and one `ingestBatch`) while a standby in another process polls
// for the lease: the busy replica must keep it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { missingServer, startPostgres, type TestServer } from '@fieldops/bus/testing';
import { buildEvent, type CloudEvent } from '@fieldops/contracts/events/v1';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../src/channels/channel.js';
import { createNotifyEngine } from '../../src/engine.js';
import { createPgNotifyStore } from '../../src/pg.js';
import { CHIRPSTACK_SOURCES } from '../../src/sources/chirpstack.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const TYPE = 'io.fieldops.chirpstack.gateway.offline.v1';
const TTL_MS = 1_500;
const BUSY_MS = 25;
const EVENTS = 240; // 6 s of CPU in adapters alone: four lease times

function offline(i: number): CloudEvent {
  return buildEvent(
    TYPE,
    {
      gateway_eui: i.toString(16).padStart(16, '0'),
      site_id: 'site_bkk01' as never,
      state: 'offline',
      previous_state: 'online',
      last_seen_at: '2026-11-27T02:55:00Z',
    },
    { source: '/sites/site_bkk01/chirpstack', id: `evt-${i}` },
  );
}

const skip = missingServer('postgres');

describe.skipIf(skip !== undefined)('the engine lease under heavy work (real PostgreSQL)', () => {
  let server: TestServer;
  let url: string;
  let standby: ChildProcess | undefined;

  beforeAll(async () => {
    server = await startPostgres();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE lease_load');
    await admin.end();
    url = server.url.replace(/\/postgres$/, '/lease_load');
  });
  afterAll(async () => {
    standby?.kill('SIGKILL');
    await server?.stop();
  });

  it('a replica busy for four lease times keeps its lease against a polling standby', async () => {
    const store = await createPgNotifyStore({ connectionString: url, max: 4 });
    const lost: string[] = [];
    const gateway = CHIRPSTACK_SOURCES[TYPE]!;
    const channel: Channel = { kind: 'whatsapp', send: async () => ({ ok: true }) };
    const engine = createNotifyEngine({
      config: {
        route: { receiver: 'oncall', group_by: ['alertname', 'site'], group_wait: '1h' },
        receivers: [
          { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'whatsapp', to: '+66811111111' }] }] },
        ],
        channels: {
          whatsapp: { phone_number_id: '1', token: { value: 'x' }, template: { name: 't', language: 'en' } },
        },
      },
      channels: { whatsapp: channel },
      store,
      lease: { owner: 'replica-a', ttlMs: TTL_MS },
      onLeaseLost: (why) => lost.push(why),
      sources: {
        // A user's adapter that does real work per event (here: 25 ms of CPU).
        [TYPE]: (event) => {
          const until = performance.now() + BUSY_MS;
          while (performance.now() < until) {}
          return gateway(event);
        },
      },
    });
    await engine.start();
    expect(engine.state).toBe('active');

    standby = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../support/lease-standby.ts', import.meta.url)),
        url,
        'replica-b',
        String(TTL_MS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    const out = createInterface({ input: standby.stdout! });
    await new Promise<void>((resolve) =>
      out.on('line', (l) => {
        lines.push(l);
        if (l === 'polling') resolve();
      }),
    );

    const t0 = performance.now();
    const half = EVENTS / 2;
    const concurrent = Promise.all(Array.from({ length: half }, (_, i) => engine.ingest(offline(i))));
    const batch = engine.ingestBatch(Array.from({ length: half }, (_, i) => offline(half + i)));
    const results = [...(await concurrent), ...(await batch)];
    const busyMs = performance.now() - t0;
    // One more renewal period, so a renewal late for the busy stretch would show as a takeover now.
    await new Promise((r) => setTimeout(r, TTL_MS));

    expect(busyMs).toBeGreaterThan(3 * TTL_MS);
    expect(results.filter((r) => r.kind === 'alert')).toHaveLength(EVENTS);
    expect(lines.filter((l) => l.startsWith('acquired'))).toEqual([]);
    expect(lost).toEqual([]);
    expect(engine.state).toBe('active');

    standby.kill('SIGKILL');
    await engine.stop();
    await store.close?.();
  });
});
