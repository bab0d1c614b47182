import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as automation from '@fieldops/contracts/automation/v1';
import * as kb from '@fieldops/contracts/kb/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BundlePathError, buildPostmortem, createRunRecorder, runSpec } from '../../src/automation/index.js';
import { createRedactor, Secret } from '../../src/secrets/index.js';
import { buildSpec, CANARY } from './helpers.js';

const REPO = resolve(__dirname, '../../../..');

async function kbRoot() {
  return mkdtemp(join(tmpdir(), 'fieldops-kb-'));
}

describe('RunRecorder paths', () => {
  it.each([
    ['../escape', 'invalid project name "../escape"'],
    ['..', 'invalid project name ".."'],
    ['a/b', 'invalid project name "a/b"'],
    ['/etc', 'invalid project name "/etc"'],
    ['Site', 'invalid project name "Site"'],
    ['site%2f..', 'invalid project name "site%2f.."'],
    ['', 'invalid project name ""'],
  ])('rejects the project name %j', async (project, message) => {
    const root = await kbRoot();
    expect(() =>
      createRunRecorder({ kbRoot: root, project, date: '2026-11-27', runId: 'run_abcd1234' }),
    ).toThrow(
      `@fieldops/sdk/automation: ${message}: expected 1–63 lower-case letters, digits or dashes (one path component)`,
    );
    expect(await readdir(root)).toEqual([]);
  });

  it.each([['run_../../x'], ['../run_abcd'], ['run_ab/cd12'], ['dep_abcd1234']])(
    'rejects the run id %j',
    async (runId) => {
      const root = await kbRoot();
      expect(() => createRunRecorder({ kbRoot: root, project: 'p', date: '2026-11-27', runId })).toThrow(
        BundlePathError,
      );
    },
  );

  it('rejects a bad date, bad file names and a relative KB root', async () => {
    const root = await kbRoot();
    expect(() =>
      createRunRecorder({ kbRoot: root, project: 'p', date: '2026-13-01', runId: 'run_abcd1234' }),
    ).toThrow('invalid run date');
    expect(() =>
      createRunRecorder({ kbRoot: 'relative/kb', project: 'p', date: '2026-11-27', runId: 'run_abcd1234' }),
    ).toThrow('the KB root must be an absolute path');
    const rec = createRunRecorder({ kbRoot: root, project: 'p', date: '2026-11-27', runId: 'run_abcd1234' });
    for (const name of ['../../../../outside.txt', '/etc/passwd', '.hidden', 'a/../../b', 'a//b']) {
      expect(() => rec.artifact({ name, content: 'x' }), name).toThrow(BundlePathError);
    }
    expect(() => rec.snapshot({ name: '../x', format: 'json', content: {} })).toThrow('snapshot name');
    expect(() => rec.log({ level: 'info', msg: 'x', step_id: '../../x' })).toThrow(BundlePathError);
  });

  it('refuses to write through a symbolic link inside the KB root', async () => {
    const root = await kbRoot();
    const outside = await kbRoot();
    await mkdir(join(root, 'projects'), { recursive: true });
    await symlink(outside, join(root, 'projects', 'linked'));
    expect(() =>
      createRunRecorder({ kbRoot: root, project: 'linked', date: '2026-11-27', runId: 'run_abcd1234' }),
    ).toThrow('goes through a symbolic link');
    expect(await readdir(outside)).toEqual([]);
  });

  it('rejects a hostile project in a spec before anything runs', async () => {
    const root = await kbRoot();
    await expect(
      runSpec(
        buildSpec([{ id: 'a', kind: 'open_ticket_on_failure', severity: 'low' }], { project: '../../etc' }),
        { kb: { root } },
      ),
    ).rejects.toThrow('project: expected a project slug');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('RunRecorder files', () => {
  it('leaves a readable partial NDJSON log when the process is killed', async () => {
    const root = await kbRoot();
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '__fixtures__/crash-writer.ts'), root, '250'],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('written\n');
    const text = await readFile(
      join(root, 'projects/crash-test/runs/2026-11-27/run_crash0001/logs/deploy.ndjson'),
      'utf8',
    );
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(250);
    lines.forEach((line, i) => {
      const entry = kb.LogEntry.parse(JSON.parse(line));
      expect(entry).toMatchObject({ msg: `line ${i}`, step_id: 'deploy', fields: { i } });
    });
  });

  it('redacts snapshots by key name and by resolved value, and lists the redactions', async () => {
    const root = await kbRoot();
    const redactor = createRedactor();
    redactor.add(new Secret(CANARY));
    const rec = createRunRecorder({
      kbRoot: root,
      project: 'p',
      date: '2026-11-27',
      runId: 'run_abcd1234',
      redactor,
    });
    rec.snapshot({
      name: 'app-config',
      format: 'json',
      content: {
        db: { host: 'db', password: 'hunter22' },
        dsn: `postgres://u:${CANARY}@db/x`,
        api_token_ref: 'vault:kv/data/x#t',
      },
    });
    rec.snapshot({
      name: 'env-text',
      format: 'text',
      content: `TZ=Asia/Bangkok\nPOSTGRES_PASSWORD=pw-plain-1\nURL=${CANARY}\nAPI_TOKEN=\${API_TOKEN}`,
    });
    const json = kb.ConfigSnapshot.parse(
      JSON.parse(await readFile(join(rec.dir, 'snapshots/app-config.json'), 'utf8')),
    );
    expect(json.content).toEqual({
      db: { host: 'db', password: '[redacted]' },
      dsn: 'postgres://u:[redacted]@db/x',
      api_token_ref: 'vault:kv/data/x#t',
    });
    expect(json.redactions).toEqual([
      { path: 'db.password', reason: 'key_name' },
      { path: 'dsn', reason: 'secret_value' },
    ]);
    const text = kb.ConfigSnapshot.parse(
      JSON.parse(await readFile(join(rec.dir, 'snapshots/env-text.json'), 'utf8')),
    );
    expect(text.content).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose/env reference, on purpose
      'TZ=Asia/Bangkok\nPOSTGRES_PASSWORD=[redacted]\nURL=[redacted]\nAPI_TOKEN=${API_TOKEN}',
    );
    rec.log({
      level: 'info',
      msg: `token is ${CANARY}`,
      fields: { authorization: 'Bearer x', note: CANARY },
    });
    rec.close();
    const log = await readFile(join(rec.dir, 'logs/run.ndjson'), 'utf8');
    expect(JSON.parse(log)).toMatchObject({
      msg: 'token is [redacted]',
      fields: { authorization: '[redacted]', note: '[redacted]' },
    });
  });

  it("stamps log lines and snapshots with core's Clock (issue 12); the deprecated `now` is ignored", async () => {
    const root = await kbRoot();
    const rec = createRunRecorder({
      kbRoot: root,
      project: 'p',
      date: '2031-05-06',
      runId: 'run_abcd1234',
      clock: { now: () => Date.parse('2031-05-06T07:08:09.000Z') },
      now: () => new Date(0),
    });
    rec.snapshot({ name: 'cfg', format: 'json', content: { a: 1 } });
    rec.log({ level: 'info', msg: 'hello' });
    rec.close();
    const log = JSON.parse(await readFile(join(rec.dir, 'logs/run.ndjson'), 'utf8'));
    expect(log.ts).toBe('2031-05-06T07:08:09.000Z');
    const snap = JSON.parse(await readFile(join(rec.dir, 'snapshots/cfg.json'), 'utf8'));
    expect(snap.taken_at).toBe('2031-05-06T07:08:09.000Z');
  });

  it('renders a postmortem with valid front matter, the timeline and escaped text', () => {
    const run = automation.RunRecord.parse({
      automation_run_id: 'run_pm000001',
      spec_version: 1,
      deployment_id: 'dep_pm000001',
      project: 'p',
      status: 'failed',
      queued_at: '2026-11-27T10:00:00Z',
      started_at: '2026-11-27T10:00:01Z',
      finished_at: '2026-11-27T10:00:09Z',
      timeline: [
        { at: '2026-11-27T10:00:01Z', status: 'running' },
        {
          at: '2026-11-27T10:00:02Z',
          status: 'failed',
          step_id: 'deploy',
          attempt: 1,
          message: 'exit 1 | <script>alert(1)</script>',
        },
      ],
      steps: [
        {
          step_id: 'deploy',
          kind: 'deploy_compose_stack',
          status: 'failed',
          attempts: 1,
          finished_at: '2026-11-27T10:00:02Z',
          message: 'boom',
          error: { code: 'command_failed', message: 'boom' },
        },
        {
          step_id: 'checks',
          kind: 'run_health_checks',
          status: 'skipped',
          attempts: 0,
          message: 'skipped: step deploy failed',
        },
      ],
      links: [{ rel: 'bundle', href: 'projects/p/runs/2026-11-27/run_pm000001/' }],
      ticket_id: 'T-9',
    });
    const { markdown } = buildPostmortem({ run, severity: 'critical' });
    const [, front, body] = markdown.split(/^---$/m);
    expect(kb.PostmortemFrontMatter.parse(parseYaml(front!))).toEqual({
      title: 'Run run_pm000001 failed at deploy',
      automation_run_id: 'run_pm000001',
      deployment_id: 'dep_pm000001',
      project: 'p',
      status: 'draft',
      severity: 'critical',
      started_at: '2026-11-27T10:00:01Z',
      detected_at: '2026-11-27T10:00:02Z',
      failed_step: 'deploy',
      ticket_id: 'T-9',
    });
    for (const heading of ['## Summary', '## Impact', '## Timeline', '## Root cause', '## Action items'])
      expect(body).toContain(heading);
    expect(body).toContain('- Step `checks` (run_health_checks) was skipped: skipped: step deploy failed');
    expect(body).toContain('exit 1 \\| &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>');
    expect(body).toContain('- [ ] Follow up in ticket T-9.');
  });
});

describe('a run killed in the middle', () => {
  it('leaves a bundle the KB can read: run.json valid (status running), every log line whole', async () => {
    const root = await kbRoot();
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '__fixtures__/crash-run.ts'), root],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(child.signal).toBe('SIGKILL');
    const dir = join(root, 'projects/crash-run/runs');
    const [date] = await readdir(dir);
    const bundleDir = join(dir, date!, 'run_crash0002');
    const bundle = kb.RunBundle.parse(JSON.parse(await readFile(join(bundleDir, 'run.json'), 'utf8')));
    expect(bundle.run.status).toBe('running');
    const second = (await readFile(join(bundleDir, 'logs/second.ndjson'), 'utf8')).trimEnd().split('\n');
    expect(second.map((l) => kb.LogEntry.parse(JSON.parse(l)).msg)).toEqual([
      'step second (run_health_checks) attempt 1/1 started',
      'second working 0',
      'second working 1',
      'second working 2',
    ]);
    expect(await readdir(join(bundleDir, 'logs'))).toEqual(['first.ndjson', 'run.ndjson', 'second.ndjson']);
  });
});

describe('run.json title', () => {
  it('takes a long spec description, shortened to the bundle title limit', async () => {
    const root = await kbRoot();
    const spec = buildSpec([{ id: 'a', kind: 'open_ticket_on_failure', severity: 'low' }], {
      description: 'd'.repeat(2000),
    });
    const r = await runSpec(spec, { kb: { root } });
    expect(r.status).toBe('succeeded');
    expect(r.bundle?.title).toBe(`${'d'.repeat(299)}…`);
  });

  it('keeps snapshot titles and targets within the contract limits', async () => {
    const root = await kbRoot();
    const rec = createRunRecorder({ kbRoot: root, project: 'p', date: '2026-11-27', runId: 'run_abcd1234' });
    rec.snapshot({
      name: 'long',
      format: 'json',
      content: {},
      title: 't'.repeat(500),
      target: `ssh://ops@${'h'.repeat(290)}`,
    });
    const snap = kb.ConfigSnapshot.parse(
      JSON.parse(await readFile(join(rec.dir, 'snapshots/long.json'), 'utf8')),
    );
    expect([snap.title?.length, snap.target?.length]).toEqual([200, 200]);
  });
});
