import { describe, expect, it } from 'vitest';
import { buildRoutes, buildRunPaths, loadRuns, type RunPageData } from '../src/index.js';
import { FIXTURES, OPTIONS, RUN_IDS } from './helpers.js';

const content = await loadRuns({ ...OPTIONS, path: 'kb-valid' }, { siteDir: FIXTURES, warn: () => {} });
const paths = buildRunPaths('/kb/', 'runs');
const build = (logPageSize = 500) => buildRoutes(content, { title: 'Runs', logPageSize }, paths);
const runPage = (routes: ReturnType<typeof build>['routes'], id: string) =>
  routes.find((r) => r.component === '@theme/RunPage' && r.path.endsWith(id))!.data as RunPageData;

describe('buildRoutes', () => {
  it('adds a projects index, a list per project and a page per run', () => {
    const { routes } = build();
    expect(routes.map((r) => [r.path, r.component, r.dataName])).toEqual([
      ['/kb/runs', '@theme/RunsProjectsPage', 'projects.json'],
      ['/kb/runs/bkk-cold-chain', '@theme/RunsListPage', 'project-bkk-cold-chain.json'],
      [
        `/kb/runs/bkk-cold-chain/2026-11-25/${RUN_IDS.fixed}`,
        '@theme/RunPage',
        `run-bkk-cold-chain-2026-11-25-${RUN_IDS.fixed}.json`,
      ],
      [
        `/kb/runs/bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`,
        '@theme/RunPage',
        `run-bkk-cold-chain-2026-11-24-${RUN_IDS.failed}.json`,
      ],
      [
        `/kb/runs/bkk-cold-chain/2026-11-20/${RUN_IDS.success}`,
        '@theme/RunPage',
        `run-bkk-cold-chain-2026-11-20-${RUN_IDS.success}.json`,
      ],
    ]);
  });

  it('is pure: the same content gives the same routes', () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(build()));
  });

  it('summarizes projects and lists runs newest first with status and duration', () => {
    const { routes } = build();
    const index = routes[0]!.data as { projects: { name: string; runs: number; byStatus: object }[] };
    expect(index.projects).toEqual([
      expect.objectContaining({ name: 'bkk-cold-chain', runs: 3, byStatus: { succeeded: 2, failed: 1 } }),
    ]);
    const list = routes[1]!.data as {
      days: { date: string; runs: { id: string; status: string }[] }[];
      statuses: string[];
    };
    expect(list.days.map((d) => d.date)).toEqual(['2026-11-25', '2026-11-24', '2026-11-20']);
    expect(list.statuses).toEqual(['failed', 'succeeded']);
    expect(list.days[1]!.runs[0]).toMatchObject({
      id: RUN_IDS.failed,
      status: 'failed',
      failed_step: 'health',
    });
  });

  it('diffs each snapshot against the previous run of the same deployment', () => {
    const { routes } = build();
    const fixed = runPage(routes, RUN_IDS.fixed);
    expect(fixed.previousRun?.id).toBe(RUN_IDS.failed);
    const [env, gateway] = fixed.snapshots;
    expect(env!.previous).toMatchObject({ run_id: RUN_IDS.failed, identical: true, added: 0, removed: 0 });
    expect(gateway!.previous).toMatchObject({ run_id: RUN_IDS.failed, identical: false });
    const changed = gateway!.previous!.hunks.flatMap((h) => h.lines).filter((l) => l.op !== 'equal');
    expect(changed.map((l) => `${l.op} ${l.text.trim()}`)).toEqual([
      'add "firewall": {',
      'add "udp": [',
      'add 1700',
      'add ]',
      'add },',
    ]);
    const failed = runPage(routes, RUN_IDS.failed);
    // chirpstack 4.18.1 -> 4.19.0 against the first run; the gateway snapshot is new.
    expect(failed.snapshots[0]!.previous).toMatchObject({ run_id: RUN_IDS.success, added: 1, removed: 1 });
    expect(failed.snapshots[1]!.previous).toBeUndefined();
    expect(runPage(routes, RUN_IDS.success).previousRun).toBeUndefined();
  });

  it('pages long logs: page 1 on the run page, the others on their own routes', () => {
    const { routes } = build(4);
    const failed = runPage(routes, RUN_IDS.failed);
    const deploy = failed.logs[0]!;
    const base = `/kb/runs/bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`;
    expect(deploy).toMatchObject({ page: 1, pageCount: 3, totalLines: 9, truncatedLines: 0 });
    expect(deploy.lines.map((l) => l.n)).toEqual([1, 2, 3, 4]);
    expect(deploy.pagePermalinks).toEqual([
      base,
      `${base}/logs/deploy-chirpstack/2`,
      `${base}/logs/deploy-chirpstack/3`,
    ]);
    const page3 = routes.find((r) => r.path === `${base}/logs/deploy-chirpstack/3`)!;
    expect(page3.component).toBe('@theme/RunLogPage');
    expect((page3.data as { log: { lines: { n: number }[] } }).log.lines.map((l) => l.n)).toEqual([9]);
  });

  it('copies raw logs and artifacts next to the pages, with safe links only', () => {
    const { routes, files } = build();
    const success = runPage(routes, RUN_IDS.success);
    const base = `/kb/runs/bkk-cold-chain/2026-11-20/${RUN_IDS.success}`;
    expect(success.artifacts).toEqual([
      expect.objectContaining({
        name: 'docker-compose.yml',
        href: `${base}/files/artifacts/docker-compose.yml`,
      }),
    ]);
    expect(success.logs[0]!.rawHref).toBe(`${base}/files/logs/deploy-chirpstack.ndjson`);
    expect(files).toContainEqual(
      expect.objectContaining({
        from: expect.stringMatching(/run_01jdz8k2m4q6s8t0v2x4y6z8a0\/artifacts\/docker-compose\.yml$/),
        to: `runs/bkk-cold-chain/2026-11-20/${RUN_IDS.success}/files/artifacts/docker-compose.yml`,
      }),
    );
    const hostile = buildRoutes(
      {
        ...content,
        runs: [
          {
            ...content.runs[0]!,
            artifacts: [
              { name: 'x', url: 'javascript:alert(1)' },
              { name: 'y', url: 'https://ci.example.com/a' },
            ],
          },
        ],
      },
      { title: 'Runs', logPageSize: 500 },
      paths,
    );
    const page = hostile.routes.find((r) => r.component === '@theme/RunPage')!.data as RunPageData;
    expect(page.artifacts).toEqual([{ name: 'x' }, { name: 'y', href: 'https://ci.example.com/a' }]);
  });
});
