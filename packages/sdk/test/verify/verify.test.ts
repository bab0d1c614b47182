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
  type RfidBackend,
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
    const backend = createMemoryRfidBackend({
      claimCodes: ['VERIFY-CODE-1', 'VERIFY-CODE-2'],
      apiTokens: [TOKEN],
    });
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
      '--claim-code',
      'VERIFY-CODE-2',
    ]);
    expect(r.out).toMatch(/ingest\.replay-same-key\s+PASS/);
    expect(r.out).toMatch(/claim\.reuse-code-409\s+PASS/);
    expect(r.out).toMatch(/scope\.ingest-other-station-403\s+PASS/);
    expect(r.out).toMatch(/scope\.idempotency-key-per-caller\s+PASS/);
    expect(r.out).toMatch(/token\.reissue-by-operator\s+PASS/);
    expect(r.out).toMatch(/status\.bad-percent-encoding-400\s+PASS/);
    expect(r.out).toMatch(/ingest\.non-json-415\s+PASS/);
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

  it('logs one progress line per check (issue 12), a counter on a terminal, nothing with progress off', async () => {
    const backend = createMemoryRfidBackend({ apiTokens: [TOKEN] });
    const url = await serve(createRfidHandler({ backend }));
    const run = async (progress: 'lines' | 'bar' | 'off') => {
      const logged: { fields: Record<string, unknown>; msg: string | undefined }[] = [];
      const at = (fields: object, msg?: string) =>
        logged.push({ fields: fields as Record<string, unknown>, msg });
      let out = '';
      let err = '';
      const code = await runCli(['verify', 'rfid', '--base-url', url, '--token', TOKEN, '--json'], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        cwd: process.cwd(),
        env: {},
        logger: { debug: at, info: at, warn: at, error: at },
        progress,
      });
      expect(code).toBe(0);
      const results = JSON.parse(out) as { name: string; status: string }[];
      return { results, err, lines: logged.filter((l) => l.fields.operation === 'verify rfid') };
    };
    const lines = await run('lines');
    expect(lines.lines.map((l) => [l.fields.check, l.fields.status])).toEqual(
      lines.results.map((r) => [r.name, r.status]),
    );
    expect(lines.lines.at(-1)?.msg).toMatch(new RegExp(`^verify rfid: ${lines.results.length} checks \\(`));
    expect(lines.err).toBe('');
    const bar = await run('bar');
    expect(bar.lines).toEqual([]);
    expect(bar.err).toContain(`\rverify rfid: ${bar.results.length} checks (`);
    expect(bar.err.endsWith('\n')).toBe(true);
    const off = await run('off');
    expect(off.lines).toEqual([]);
    expect(off.err).toBe('');
    expect(lines.err + bar.err + JSON.stringify(lines.lines)).not.toContain(TOKEN);
  });

  it('fails, naming the check, against a backend that does not replay idempotent answers', async () => {
    const real = createMemoryIdempotencyStore();
    const forgetful: IdempotencyStore = { ...real, begin: async () => ({ kind: 'started' }) };
    const url = await serve(
      createRfidHandler({
        backend: createMemoryRfidBackend({ stations: ['stn_verifyknown01'] }),
        idempotency: forgetful,
      }),
    );
    const r = await cli(['verify', 'rfid', '--base-url', url, '--station-id', 'stn_verifyknown01']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ingest\.replay-same-key\s+FAIL\s+the replay answered/);
    expect(r.out).toMatch(/ingest\.key-reuse-422\s+FAIL\s+expected HTTP 422, got 200/);
    expect(r.out).toMatch(/ingest\.valid-batch\s+PASS/);
    expect(r.out).toMatch(/claim\s+SKIP/);
  });

  // Issue 11 item 3: a backend whose tokens are all equal (the old `isValidToken`-only contract) lets
  // station A act on station B; verify must fail it, naming each check.
  it('fails a backend that lets station A act on station B', async () => {
    const real = createMemoryRfidBackend({
      claimCodes: ['VERIFY-CODE-1', 'VERIFY-CODE-2'],
      apiTokens: [TOKEN],
    });
    const { caller, ...rest } = real;
    const unscoped: RfidBackend = {
      ...rest,
      // Every known token is accepted and treated alike: no notion of whose station it is.
      isValidToken: async (token) => (await caller!(token)) !== undefined,
    };
    // …and an idempotency store that drops the caller from the key (answers shared by every token).
    const store = createMemoryIdempotencyStore();
    const unscope = (key: string) =>
      key
        .split(':')
        .filter((_, i) => i !== 1 && i !== 2)
        .join(':');
    const leaky: IdempotencyStore = {
      begin: (key, fp) => store.begin(unscope(key), fp),
      complete: (key, fp, res) => store.complete(unscope(key), fp, res),
      release: (key) => store.release(unscope(key)),
    };
    const url = await serve(createRfidHandler({ backend: unscoped, idempotency: leaky }));
    const r = await cli([
      'verify',
      'rfid',
      '--base-url',
      url,
      '--token',
      TOKEN,
      '--claim-code',
      'VERIFY-CODE-1',
      '--claim-code',
      'VERIFY-CODE-2',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.out) as { name: string; status: string; detail?: string }[];
    const failed = results.filter((x) => x.status === 'fail').map((x) => x.name);
    expect(failed).toEqual(
      expect.arrayContaining([
        'scope.ingest-other-station-403',
        'scope.status-other-station-403',
        'scope.map-by-station-403',
        'scope.idempotency-key-per-caller',
        'scope.reissue-by-station-403',
      ]),
    );
    expect(results.find((x) => x.name === 'ingest.valid-batch')?.status).toBe('pass');
    expect(r.out).not.toContain(TOKEN);
  });

  it('reports an unreachable server as failed checks, and usage errors with exit 2', async () => {
    const r = await cli(['verify', 'rfid', '--base-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    // Every version is asked for its health first: nothing answers, so no version is announced.
    expect(r.out).toMatch(/discover\.versions\s+FAIL/);
    const one = await cli(['verify', 'rfid', '--base-url', 'http://127.0.0.1:9', '--version', '1']);
    expect(one.out).toMatch(/health\s+FAIL/);
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
