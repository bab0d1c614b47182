import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: repo,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('fieldops validate', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'fieldops-cli-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('accepts the shipped example execution spec (picked by its $schema)', async () => {
    const r = await cli('validate', 'examples/documents/site-bkk-01.spec.json');
    expect(r.stdout).toBe(
      'ok    examples/documents/site-bkk-01.spec.json: valid automation.v1.ExecutionSpec\n',
    );
    expect(r.code).toBe(0);
  });

  it('rejects an unknown action kind, naming the path, with exit code 1', async () => {
    const r = await cli('validate', 'examples/documents/invalid/unknown-action.spec.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('automation.v1.ExecutionSpec: actions[0].kind: unknown action kind');
  });

  it('reads YAML, picks the contract from spec_version and prints every problem', async () => {
    const file = join(tmp, 'spec.yaml');
    await writeFile(
      file,
      [
        'spec_version: 1',
        'deployment_id: dep_01jd8y3k2m0000000000000001',
        'customer_id: cus_1',
        'site_id: site_01jd8y3k2m0000000000000001',
        'project: Site BKK',
        'product_code: COLDCHAIN-LW',
        'product_version: 2.3.0',
        'targets: {}',
        'actions:',
        '  - { id: checks, kind: run_health_checks, checks: [ { type: tcp, host: 10.0.0.5, port: 70000 } ] }',
      ].join('\n'),
    );
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('automation.v1.ExecutionSpec: customer_id: expected an id starting cus_');
    expect(r.stdout).toContain('automation.v1.ExecutionSpec: project: expected a project slug');
    expect(r.stdout).toContain('automation.v1.ExecutionSpec: actions[0].checks[0].port: Too big');
  });

  it('takes --contract by full or short name, and --json', async () => {
    const file = join(tmp, 'batch.json');
    await writeFile(
      file,
      JSON.stringify({
        events: [
          {
            type: 'heartbeat',
            event_id: 'hb-00000001',
            station_id: 'dev_x1234',
            occurred_at: '2026-11-27T10:00:00Z',
            uptime_s: 1,
            queue_depth: 0,
          },
        ],
      }),
    );
    // EventBatch exists in rfid.v1 and rfid.v2: a short name never picks a version silently.
    const twoVersions = await cli('validate', file, '--contract', 'EventBatch');
    expect(twoVersions.code).toBe(2);
    expect(twoVersions.stderr).toContain('rfid.v1.EventBatch, rfid.v2.EventBatch');
    const r = await cli('validate', file, '--contract', 'rfid.v1.EventBatch', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file,
        contract: 'rfid.v1.EventBatch',
        valid: false,
        problems: [{ path: 'events[0].station_id', message: 'expected an id starting stn_' }],
      },
    ]);
    const ambiguous = await cli('validate', file, '--contract', 'ErrorBody');
    expect(ambiguous.code).toBe(2);
    // Every contract with an HTTP API has an ErrorBody: the message lists each, whatever their number.
    const listed = /ErrorBody is ambiguous: (.*)/.exec(ambiguous.stderr)?.[1]?.split(', ');
    expect(listed).toEqual(
      expect.arrayContaining(['registry.v1.ErrorBody', 'rfid.v1.ErrorBody', 'fleet.v1.ErrorBody']),
    );
  });

  it('refuses a FIFO instead of waiting on it (issue 11 item 14)', async () => {
    const fifo = join(tmp, 'spec.fifo.json');
    execFileSync('mkfifo', [fifo]);
    const r = await cli('validate', fifo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not a regular file');
  });

  it('never echoes file content in a JSON syntax error (issue 11 item 14)', async () => {
    const file = join(tmp, 'secret.json');
    await writeFile(file, '{\n  "token": hunter2-s3cr3t\n}\n');
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(/hunter|s3cr3t|2-s/);
    expect(r.stdout).toMatch(/cannot read: invalid JSON( at line 2, column \d+)?\n/);
  });

  it('accepts a UTF-8 byte-order mark (issue 11 item 14)', async () => {
    const text = await import('node:fs/promises').then((fs) =>
      fs.readFile(join(repo, 'examples/documents/site-bkk-01.spec.json'), 'utf8'),
    );
    const file = join(tmp, 'bom.spec.json');
    await writeFile(file, `\uFEFF${text}`);
    const r = await cli('validate', file);
    expect(r.stdout).toContain('valid automation.v1.ExecutionSpec');
    expect(r.code).toBe(0);
  });

  it('explains files it cannot read or classify', async () => {
    const file = join(tmp, 'unknown.json');
    await writeFile(file, '{"hello": "world"}');
    const r = await cli('validate', file, join(tmp, 'missing.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cannot tell which contract this is: add $schema or pass --contract NAME');
    expect(r.stdout).toContain('cannot read: ENOENT');
    expect((await cli('validate')).code).toBe(2);
  });
});

describe('fieldops schema', () => {
  it('lists contract names and prints one JSON Schema', async () => {
    const list = await cli('schema', '--list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^automation\.v1\.Action/m);
    expect(list.stdout).toContain('rfid.v1.EventBatch');
    const one = await cli('schema', 'automation.v1.ExecutionSpec');
    const schema = JSON.parse(one.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.actions.items.oneOf ?? schema.properties.actions.items.anyOf).toHaveLength(5);
  });

  it('prints help and rejects unknown commands', async () => {
    expect((await cli('--help')).stdout).toContain('validate');
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});
