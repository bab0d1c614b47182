import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as automation from '@fieldops/contracts/automation/v1';
import { buildRoutes, buildRunPaths, loadRuns, type RunPageData } from '@fieldops/docusaurus-plugin-runs';
import { type ActionHandlers, runSpec } from '@fieldops/sdk/automation';
import { afterAll, describe, expect, it } from 'vitest';

// The bundles the SDK's RunRecorder writes are what the plugin reads: a run recorded by runSpec
// (with scripted handlers: one step fails) loads, validates and renders with no adjustment.

const CANARY = 'canary-7Qp2-never-on-a-page';
const ESC = '\u001b';
let kbRoot: string | undefined;

afterAll(async () => {
  if (kbRoot) await rm(kbRoot, { recursive: true, force: true });
});

const spec = {
  spec_version: 1,
  deployment_id: 'dep_01jdrecorder',
  customer_id: 'cus_01jdacme',
  site_id: 'site_bkkwh3',
  project: 'recorder-check',
  product_code: 'coldchain-gw',
  product_version: '1.4.0',
  targets: { gateways: [], devices: [], stations: [] },
  actions: [
    {
      id: 'deploy',
      kind: 'deploy_compose_stack',
      stack: 'chirpstack',
      project_name: 'chirpstack',
      version: '4.19.0',
    },
    { id: 'health', kind: 'run_health_checks', checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }] },
    { id: 'ticket', kind: 'open_ticket_on_failure', severity: 'high' },
  ],
};

const handlers: ActionHandlers = {
  deploy_compose_stack: {
    async run(_action, ctx) {
      ctx.log.output(
        'stdout',
        `${ESC}[32m✔${ESC}[0m Container chirpstack-chirpstack-1  ${ESC}[32mStarted${ESC}[0m`,
      );
      ctx.snapshot({
        name: 'compose-env',
        format: 'json',
        content: { env: { CHIRPSTACK_REGION: 'as923_2', POSTGRES_PASSWORD: CANARY } },
      });
      ctx.artifact({ name: 'docker-compose.yml', content: 'services: {}\n', media_type: 'text/yaml' });
      return { message: 'stack up' };
    },
  },
  run_health_checks: {
    async run(_action, ctx) {
      ctx.log.error('udp 10.20.3.11:1700: no reply within 5000 ms');
      throw new Error('1 of 1 checks failed');
    },
  },
  open_ticket_on_failure: {
    async run() {
      return { message: 'ticket T-1 opened', ticket: { ticket_id: 'T-1' } };
    },
  },
};

describe('bundles written by the SDK RunRecorder', () => {
  it('load, validate and render in the plugin', async () => {
    kbRoot = await mkdtemp(path.join(tmpdir(), 'fieldops-recorder-kb-'));
    const result = await runSpec(spec, { handlers, kb: { root: kbRoot } });
    expect(result.status).toBe<automation.RunStatus>('failed');

    const warnings: string[] = [];
    const content = await loadRuns(
      { path: kbRoot, projects: [], onInvalidBundle: 'throw', maxLogLines: 1000, concurrency: 4 },
      { siteDir: '/', warn: (m) => warnings.push(m) },
    );
    expect(content.runs).toHaveLength(1);
    const run = content.runs[0]!;
    expect(run.run.automation_run_id).toBe(result.record.automation_run_id);
    expect(run.run.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(run.postmortem?.frontMatter.failed_step).toBe('health');
    const lines = run.logs.flatMap((l) => l.lines);
    expect(lines.some((l) => l.segments.some((s) => s.fg === 'green'))).toBe(true);
    expect(run.snapshots.map((s) => s.name)).toEqual(['compose-env']);
    expect(run.artifacts.map((a) => a.name)).toContain('docker-compose.yml');
    // The recorder redacted the secret itself: the plugin had nothing left to redact.
    expect(warnings).toEqual([]);
    expect(JSON.stringify(content)).not.toContain(CANARY);

    const { routes } = buildRoutes(content, { title: 'Runs', logPageSize: 500 }, buildRunPaths('/', 'runs'));
    const page = routes.find((r) => r.component === '@theme/RunPage')!.data as RunPageData;
    expect(page.postmortem?.html).toContain('health');
    expect(page.artifacts[0]?.href).toMatch(/\/files\/artifacts\/docker-compose\.yml$/);
  });

  it('leave no secret in any file of the bundle', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else files.push(p);
      }
    };
    await walk(kbRoot!);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(await readFile(f, 'utf8')).not.toContain(CANARY);
  });
});
