import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import {
  createMemoryRegistryBackend,
  createRegistryHandler,
  type RegistryBackend,
  type ServedHandler,
  serveFetchHandler,
} from '../../src/registry/index.js';
import {
  createMemoryIdempotencyStore,
  createMemoryRfidBackend,
  createRfidHandler,
  type IdempotencyStore,
} from '../../src/rfid/index.js';

import { executionSpec } from '../registry/fixtures.js';

const TOKEN = 'verify-canary-token-5d1e2a';
const servers: ServedHandler[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: process.cwd(),
    env,
  });
  return { code, out, err };
}

async function serve(handler: (r: Request) => Promise<Response>) {
  const s = await serveFetchHandler(handler, { port: 0, host: '127.0.0.1' });
  servers.push(s);
  return s.url;
}

describe('fieldops verify rfid', { timeout: 30_000 }, () => {
  it('passes against the provider handlers on a loopback server', async () => {
    const backend = createMemoryRfidBackend({ claimCodes: ['VERIFY-CODE-1'], apiTokens: [TOKEN] });
    const url = await serve(createRfidHandler({ backend }));
    const r = await cli([
      'verify',
      'rfid',
      '--base-url',
      url,
      '--token',
      TOKEN,
      '--claim-code',
      'VERIFY-CODE-1',
    ]);
    expect(r.out).toMatch(/ingest\.replay-same-key\s+PASS/);
    expect(r.out).toMatch(/claim\.repeat-same-station\s+PASS/);
    expect(r.out).toMatch(/ingest\.over-limit-rejected\s+PASS/);
    expect(r.out).toMatch(/auth\.missing-token-401\s+PASS/);
    expect(r.out).toMatch(/\d+ passed, 0 failed, 0 skipped/);
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain(TOKEN);
  });

  it('reads the token from --token-env and answers --json', async () => {
    const backend = createMemoryRfidBackend({ apiTokens: [TOKEN] });
    const url = await serve(createRfidHandler({ backend }));
    const r = await cli(['verify', 'rfid', '--base-url', url, '--token-env', 'RFID_TOKEN', '--json'], {
      RFID_TOKEN: TOKEN,
    });
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out) as { name: string; status: string }[];
    expect(results.find((x) => x.name === 'auth.missing-token-401')?.status).toBe('pass');
    expect(r.out).not.toContain(TOKEN);
    expect((await cli(['verify', 'rfid', '--base-url', url, '--token-env', 'NOPE'])).code).toBe(2);
  });

  it('fails, naming the check, against a backend that does not replay idempotent answers', async () => {
    const real = createMemoryIdempotencyStore();
    const forgetful: IdempotencyStore = { ...real, begin: async () => ({ kind: 'started' }) };
    const url = await serve(
      createRfidHandler({ backend: createMemoryRfidBackend(), idempotency: forgetful }),
    );
    const r = await cli(['verify', 'rfid', '--base-url', url]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ingest\.replay-same-key\s+FAIL\s+the replay answered/);
    expect(r.out).toMatch(/ingest\.key-reuse-422\s+FAIL\s+expected HTTP 422, got 200/);
    expect(r.out).toMatch(/ingest\.valid-batch\s+PASS/);
    expect(r.out).toMatch(/claim\s+SKIP/);
  });

  it('reports an unreachable server as failed checks, and usage errors with exit 2', async () => {
    const r = await cli(['verify', 'rfid', '--base-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/health\s+FAIL/);
    expect((await cli(['verify', 'nothing', '--base-url', 'http://x'])).code).toBe(2);
    expect((await cli(['verify', 'rfid'])).code).toBe(2);
  });
});

describe('fieldops verify registry', { timeout: 30_000 }, () => {
  it('passes against the provider handlers on a loopback server', async () => {
    const backend = createMemoryRegistryBackend({ apiTokens: [TOKEN] });
    const spec = executionSpec();
    backend.putDeploymentSpec(spec);
    const url = await serve(createRegistryHandler({ backend }));
    const r = await cli([
      'verify',
      'registry',
      '--base-url',
      url,
      '--token',
      TOKEN,
      '--deployment-id',
      spec.deployment_id,
    ]);
    expect(r.out).toMatch(/deployment\.spec-valid\s+PASS/);
    expect(r.out).toMatch(/\d+ passed, 0 failed, 0 skipped/);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(TOKEN);
  });

  it('fails, naming the check, against a registry that ignores If-Match', async () => {
    const real = createMemoryRegistryBackend();
    const broken: RegistryBackend = {
      ...real,
      putDevice: (id, body, c) => real.putDevice(id, body, { ifNoneMatch: c.ifNoneMatch }),
    };
    const url = await serve(createRegistryHandler({ backend: broken }));
    const r = await cli(['verify', 'registry', '--base-url', url, '--json']);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.out) as { name: string; status: string; detail?: string }[];
    expect(results.filter((x) => x.status === 'fail')).toEqual([
      { name: 'device.stale-if-match-412', status: 'fail', detail: 'expected HTTP 412, got 200' },
    ]);
  });
});
