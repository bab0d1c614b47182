import { cp, mkdtemp, readFile, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ArchivedIndexData,
  type ArchivePackIndex,
  archiveIndexUrl,
  buildArchivedIndexPages,
  buildArchivedRunPage,
  buildRoutes,
  buildRunPaths,
  createRunsLoader,
  DEFAULT_OPTIONS,
  findPackedRun,
  loadRuns,
  parseArchivedRunParam,
  type RunHead,
  type RunListData,
  type RunPageData,
  searchIgnoreFiles,
  selectFullPageRuns,
  sliceRangeResponse,
  unpackArchivedRun,
  writeArchivePacks,
} from '../src/index.js';
import { copyFixture, editJson, FIXTURES, OPTIONS, RUN_IDS, settle } from './helpers.js';

const RETENTION = DEFAULT_OPTIONS.retention;

function head(i: number, extra: Partial<RunHead> = {}): RunHead {
  return {
    key: `k${i}`,
    project: 'p',
    deployment: `dep_${i % 3}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    id: `run_${String(i).padStart(4, '0')}`,
    status: 'succeeded',
    hasPostmortem: false,
    hasTicket: false,
    ...extra,
  };
}

describe('selectFullPageRuns', () => {
  it('keeps the last N per project, failed runs, postmortems, tickets and the previous run of each', () => {
    const heads = Array.from({ length: 30 }, (_, i) => head(i));
    heads[3] = head(3, { status: 'failed' });
    heads[7] = head(7, { hasPostmortem: true });
    heads[10] = head(10, { hasTicket: true });
    heads.push(head(0, { key: 'other', project: 'q' }));
    const kept = selectFullPageRuns(heads, { ...RETENTION, lastPerProject: 5 });
    // newest 5 of p: 29..25; their previous runs (same deployment, 3 apart): 24, 23, 22
    // (25 -> 22, 26 -> 23, 27 -> 24, 28 -> 25, 29 -> 26); 3 -> 0, 7 -> 4, 10 -> 7; q's only run.
    expect([...kept].sort()).toEqual(
      ['k29', 'k28', 'k27', 'k26', 'k25', 'k24', 'k23', 'k22', 'k3', 'k0', 'k7', 'k4', 'k10', 'other'].sort(),
    );
  });

  it('keeps each rule switchable, and everything when retention is off', () => {
    const heads = [head(1, { status: 'failed' }), head(2, { hasPostmortem: true }), head(3)];
    const none = {
      ...RETENTION,
      lastPerProject: 0,
      failed: false,
      withPostmortem: false,
      previousOfKept: false,
    };
    expect(selectFullPageRuns(heads, none).size).toBe(0);
    expect([...selectFullPageRuns(heads, { ...none, failed: true })]).toEqual(['k1']);
    expect(selectFullPageRuns(heads, { ...none, enabled: false }).size).toBe(3);
  });
});

describe('the loader during docusaurus start', { timeout: 60_000 }, () => {
  it('reads only a new bundle on reload and reuses the unchanged ones', async () => {
    const site = await copyFixture();
    await settle();
    const loader = createRunsLoader();
    const first = await loader.load(OPTIONS, { siteDir: site, warn: () => {} });
    expect(first.stats).toMatchObject({ bundles: 3, read: 3, reused: 0 });
    const again = await loader.load(OPTIONS, { siteDir: site, warn: () => {} });
    expect(again.stats).toMatchObject({ bundles: 3, read: 0, reused: 3 });

    const from = path.join(site, 'kb/projects/bkk-cold-chain/runs/2026-11-20', RUN_IDS.success);
    const newId = 'run_01jenewnewnewnewnewnewnew0';
    const to = path.join(site, 'kb/projects/bkk-cold-chain/runs/2026-11-28', newId);
    await cp(from, to, { recursive: true });
    await editJson(path.join(to, 'run.json'), (b) => {
      b.date = '2026-11-28';
      (b.run as { automation_run_id: string }).automation_run_id = newId;
    });
    const third = await loader.load(OPTIONS, { siteDir: site, warn: () => {} });
    expect(third.stats).toMatchObject({ bundles: 4, read: 1, reused: 3 });
    expect(third.runs.map((r) => r.run.automation_run_id)).toContain(newId);

    await editJson(path.join(to, 'run.json'), (b) => {
      b.title = 'Renamed';
    });
    const fourth = await loader.load(OPTIONS, { siteDir: site, warn: () => {} });
    expect(fourth.stats).toMatchObject({ read: 1, reused: 3 });
    expect(fourth.runs.find((r) => r.run.automation_run_id === newId)?.title).toBe('Renamed');
  });
});

describe('the loader of a build (keepBetweenLoads: false)', { timeout: 60_000 }, () => {
  it('keeps nothing in memory between loads: a second load starts from the validation cache', async () => {
    const site = await copyFixture();
    await settle();
    const withCache = { ...OPTIONS, cacheDir: 'cache' };
    const loader = createRunsLoader({ keepBetweenLoads: false });
    const first = await loader.load(withCache, { siteDir: site, warn: () => {} });
    expect(first.stats).toMatchObject({ bundles: 3, read: 3, reused: 0 });
    const again = await loader.load(withCache, { siteDir: site, warn: () => {} });
    // Every run has a page (no retention): read again; their validation came from the cache file.
    expect(again.stats).toMatchObject({ bundles: 3, read: 3, fromCache: 0 });
    const archiving = {
      ...withCache,
      retention: {
        ...RETENTION,
        lastPerProject: 0,
        failed: false,
        withPostmortem: false,
        withTicket: false,
        previousOfKept: false,
      },
    };
    const oneShot = createRunsLoader({ keepBetweenLoads: false });
    await oneShot.load(archiving, { siteDir: site, warn: () => {} });
    const third = await oneShot.load(archiving, { siteDir: site, warn: () => {} });
    expect(third.stats).toMatchObject({ bundles: 3, read: 0, reused: 3, fromCache: 3 });
    // A loader that keeps its cache reuses from memory instead (fromCache counts the file only).
    const keeping = createRunsLoader();
    await keeping.load(archiving, { siteDir: site, warn: () => {} });
    const fourth = await keeping.load(archiving, { siteDir: site, warn: () => {} });
    expect(fourth.stats).toMatchObject({ bundles: 3, read: 0, reused: 3, fromCache: 0 });
  });
});

describe('archived runs', () => {
  const paths = buildRunPaths('/kb/', 'runs');
  const onlyNewest = {
    ...RETENTION,
    lastPerProject: 1,
    failed: false,
    withPostmortem: false,
    withTicket: false,
    previousOfKept: false,
  };

  it('get no page of their own: a list row to the archive view and an entry in the pack of their month', async () => {
    const content = await loadRuns(
      { ...OPTIONS, path: 'kb-valid', retention: onlyNewest },
      { siteDir: FIXTURES },
    );
    const { routes, files, writes, archives } = buildRoutes(
      content,
      { title: 'Runs', logPageSize: 500, runsPerPage: 2 },
      paths,
    );
    expect(routes.map((r) => r.path)).toEqual([
      '/kb/runs',
      '/kb/runs/bkk-cold-chain',
      '/kb/runs/bkk-cold-chain/archived',
      '/kb/runs/_archive',
      `/kb/runs/bkk-cold-chain/2026-11-25/${RUN_IDS.fixed}`,
    ]);
    const page1 = routes[1]!.data as RunListData;
    expect(page1.total).toBe(3);
    expect(page1.pagination).toEqual({
      page: 1,
      pageCount: 2,
      first: '/kb/runs/bkk-cold-chain',
      last: '/kb/runs/bkk-cold-chain?page=2',
      next: '/kb/runs/bkk-cold-chain?page=2',
    });
    // Page 1 is a route; page 2 is JSON the list page loads in the browser (no route, no HTML).
    expect(page1.pageData).toBe('/kb/runs/bkk-cold-chain/_list');
    expect(writes.map((w) => w.to)).toEqual(['runs/bkk-cold-chain/_list/2.json']);
    const page2 = JSON.parse(writes[0]!.content) as RunListData;
    expect(page2.pagination).toEqual({
      page: 2,
      pageCount: 2,
      first: '/kb/runs/bkk-cold-chain',
      last: '/kb/runs/bkk-cold-chain?page=2',
      prev: '/kb/runs/bkk-cold-chain',
    });
    expect(page2.days.flatMap((d) => d.runs.map((r) => r.id))).toEqual([RUN_IDS.success]);
    expect(page2.archivedIndex).toBe('/kb/runs/bkk-cold-chain/archived');
    const failedRow = page1.days.flatMap((d) => d.runs).find((r) => r.id === RUN_IDS.failed)!;
    expect(failedRow).toMatchObject({
      archived: true,
      permalink: `/kb/runs/_archive?run=bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`,
    });
    // One month of one project: one pack group, oldest run first; of their files only artifacts are
    // published on their own (run.json and logs are in the pack).
    expect(archives.map((a) => [a.index, a.entries.map((e) => e.id)])).toEqual([
      ['runs/bkk-cold-chain/_archive/2026-11.json', [RUN_IDS.success, RUN_IDS.failed]],
    ]);
    const theirs = files.filter((f) => f.to.includes(RUN_IDS.failed) || f.to.includes(RUN_IDS.success));
    expect(theirs.map((f) => f.to)).toEqual([
      `runs/bkk-cold-chain/2026-11-20/${RUN_IDS.success}/files/artifacts/docker-compose.yml`,
    ]);
    // The kept run's snapshot diff links to its archived previous run through the archive view.
    const fixed = routes[4]!.data as RunPageData;
    expect(fixed.previousRun?.permalink).toBe(failedRow.permalink);
  });

  it('are listed once, by id, title and status only, on the archived-runs index that search indexes', async () => {
    const content = await loadRuns(
      { ...OPTIONS, path: 'kb-valid', retention: onlyNewest },
      { siteDir: FIXTURES },
    );
    const { routes } = buildRoutes(content, { title: 'Runs', logPageSize: 500, runsPerPage: 2 }, paths);
    const index = routes.filter((r) => r.component === '@theme/RunsArchivedIndexPage');
    expect(index.map((r) => r.path)).toEqual(['/kb/runs/bkk-cold-chain/archived']);
    const data = index[0]!.data as ArchivedIndexData;
    expect(data.total).toBe(2);
    expect(data.runs).toEqual([
      {
        id: RUN_IDS.failed,
        title: expect.any(String),
        status: 'failed',
        permalink: `/kb/runs/_archive?run=bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`,
      },
      {
        id: RUN_IDS.success,
        title: expect.any(String),
        status: 'succeeded',
        permalink: `/kb/runs/_archive?run=bkk-cold-chain/2026-11-20/${RUN_IDS.success}`,
      },
    ]);
    // Every list page links to it (they are not indexed themselves: their rows carry much more).
    for (const list of routes.filter((r) => r.component === '@theme/RunsListPage')) {
      expect((list.data as RunListData).archivedIndex).toBe('/kb/runs/bkk-cold-chain/archived');
    }
    // With no archived run there is no archived-runs index.
    const all = await loadRuns({ ...OPTIONS, path: 'kb-valid' }, { siteDir: FIXTURES });
    const none = buildRoutes(all, { title: 'Runs', logPageSize: 500 }, paths).routes;
    expect(none.some((r) => r.component === '@theme/RunsArchivedIndexPage')).toBe(false);
  });

  it('page their archived-runs index with links between pages', () => {
    const summary = (i: number) => ({
      id: `run_${i}`,
      project: 'p',
      date: '2026-11-01',
      status: 'succeeded' as const,
      deployment_id: 'dep_1',
      has_postmortem: false,
      permalink: `/r/${i}`,
      ...(i % 2 ? { archived: true as const } : {}),
    });
    const pages = buildArchivedIndexPages(
      'p',
      Array.from({ length: 10 }, (_, i) => summary(i)),
      '/runs/p',
      (n) => `/runs/p/archived/${n}`,
      2,
    );
    expect(pages.map((p) => p.runs.map((r) => r.id))).toEqual([
      ['run_1', 'run_3'],
      ['run_5', 'run_7'],
      ['run_9'],
    ]);
    expect(pages.map((p) => p.pagination)).toEqual([
      { page: 1, pageCount: 3, next: '/runs/p/archived/2' },
      { page: 2, pageCount: 3, prev: '/runs/p/archived/1', next: '/runs/p/archived/3' },
      { page: 3, pageCount: 3, prev: '/runs/p/archived/2' },
    ]);
    expect(pages.every((p) => p.total === 5)).toBe(true);
  });

  it('render in the browser with the same data a full page has', async () => {
    const archivedContent = await loadRuns(
      { ...OPTIONS, path: 'kb-valid', retention: onlyNewest },
      { siteDir: FIXTURES },
    );
    const fullContent = await loadRuns({ ...OPTIONS, path: 'kb-valid' }, { siteDir: FIXTURES });
    const options = { title: 'Runs', logPageSize: 500 };
    const { archives } = buildRoutes(archivedContent, options, paths);
    const full = buildRoutes(fullContent, options, paths).routes.find((r) => r.path.endsWith(RUN_IDS.failed))!
      .data as RunPageData;
    // Written as a build writes them (small parts: one run each), read back as the archive view does.
    const out = await mkdtemp(path.join(tmpdir(), 'runs-packs-'));
    const written = await writeArchivePacks(archives, out, 4, new Map(), 10);
    expect(written.runs).toBe(2);
    expect([...written.files.values()].flat().sort()).toEqual([
      'runs/bkk-cold-chain/_archive/2026-11.1.pack',
      'runs/bkk-cold-chain/_archive/2026-11.2.pack',
      'runs/bkk-cold-chain/_archive/2026-11.json',
    ]);
    const indexUrl = archiveIndexUrl('/kb/runs', 'bkk-cold-chain', '2026-11-24');
    const index = JSON.parse(
      await readFile(path.join(out, indexUrl.slice('/kb/'.length)), 'utf8'),
    ) as ArchivePackIndex;
    const where = findPackedRun(index, indexUrl, RUN_IDS.failed)!;
    expect(where.url).toBe('/kb/runs/bkk-cold-chain/_archive/2026-11.2.pack');
    const part = new Uint8Array(await readFile(path.join(out, where.url.slice('/kb/'.length))));
    const length = where.lengths.reduce((a, b) => a + b, 0);
    const bytes = sliceRangeResponse(200, null, part, where.offset, length)!;
    const { archive, logTexts: logs } = unpackArchivedRun(bytes, where.lengths);
    const source = archivedContent.runs.find((r) => r.run.automation_run_id === RUN_IDS.failed)!;
    expect(logs).toEqual(
      await Promise.all(source.logs.map((l) => readFile(path.join(source.dir, l.path), 'utf8'))),
    );
    expect(findPackedRun(index, indexUrl, 'run_nosuchrun')).toBeUndefined();
    expect(findPackedRun(index, indexUrl, 'constructor')).toBeUndefined();
    const page = buildArchivedRunPage(
      archive,
      logs,
      500,
      ['blob:a', 'blob:b', 'blob:c'].slice(0, logs.length),
    );
    expect(page.logs.map((l) => l.rawHref)).toEqual(['blob:a', 'blob:b', 'blob:c'].slice(0, logs.length));
    expect(page.run).toEqual(full.run);
    expect(page.logs.map((l) => l.lines)).toEqual(full.logs.map((l) => l.lines));
    expect(page.postmortem).toEqual(full.postmortem);
    expect(page.snapshots.map((s) => s.text)).toEqual(full.snapshots.map((s) => s.text));
    expect(page.summary).toEqual({
      ...full.summary,
      archived: true,
      permalink: expect.stringContaining('_archive?run='),
    });
  });

  it('refuse to pack a run whose run.json or log was swapped for a link or another run after loading', async () => {
    const site = await copyFixture();
    const content = await loadRuns({ ...OPTIONS, path: 'kb', retention: onlyNewest }, { siteDir: site });
    const { archives } = buildRoutes(content, { title: 'Runs', logPageSize: 500 }, paths);
    const make = (id: string) =>
      archives
        .flatMap((a) => a.entries)
        .find((e) => e.id === id)!
        .make();
    const dir = (id: string) => content.runs.find((r) => r.run.automation_run_id === id)!.dir;
    // Another run's record put in its place.
    await cp(path.join(dir(RUN_IDS.success), 'run.json'), path.join(dir(RUN_IDS.failed), 'run.json'));
    await expect(make(RUN_IDS.failed)).rejects.toThrow(
      `${path.join(dir(RUN_IDS.failed), 'run.json')}: kb.v1.RunBundle: run.automation_run_id: not ${RUN_IDS.failed}`,
    );
    // A symbolic link to a file outside the bundle.
    const file = path.join(dir(RUN_IDS.success), 'run.json');
    await rename(file, path.join(site, 'outside.json'));
    await symlink(path.join(site, 'outside.json'), file);
    await expect(make(RUN_IDS.success)).rejects.toThrow(/run\.json: is a symbolic link/);
    await rm(file);
    await rename(path.join(site, 'outside.json'), file);
    await expect(make(RUN_IDS.success)).resolves.toHaveLength(
      1 + content.runs.find((r) => r.dir === dir(RUN_IDS.success))!.logs.length,
    );
    // A log swapped for a link.
    const log = path.join(
      dir(RUN_IDS.success),
      content.runs.find((r) => r.dir === dir(RUN_IDS.success))!.logs[0]!.path,
    );
    await rename(log, path.join(site, 'outside.ndjson'));
    await symlink(path.join(site, 'outside.ndjson'), log);
    await expect(make(RUN_IDS.success)).rejects.toThrow(/\.ndjson: is a symbolic link/);
  });

  it('cut a range answer or a whole part to the entry, and refuse one that is not the asked range', () => {
    const part = new TextEncoder().encode('xx{"a":1}LOG1LOG22yy');
    const whole = sliceRangeResponse(200, null, part, 2, 17)!;
    expect(new TextDecoder().decode(whole)).toBe('{"a":1}LOG1LOG22y');
    const ranged = sliceRangeResponse(206, 'bytes 2-18/21', part.subarray(2, 19), 2, 17)!;
    expect(ranged).toEqual(whole);
    expect(sliceRangeResponse(206, 'bytes 0-16/21', part.subarray(0, 17), 2, 17)).toBeUndefined();
    expect(sliceRangeResponse(200, null, part.subarray(0, 10), 2, 17)).toBeUndefined();
    const { archive, logTexts } = unpackArchivedRun(new TextEncoder().encode('{"a":1}LOG1LOG22'), [7, 4, 5]);
    expect(archive).toEqual({ a: 1 });
    expect(logTexts).toEqual(['LOG1', 'LOG22']);
  });

  it('keep in memory only what their list row needs of the run record (run.json has the rest)', async () => {
    const archived = await loadRuns(
      { ...OPTIONS, path: 'kb-valid', retention: onlyNewest },
      { siteDir: FIXTURES },
    );
    const full = await loadRuns({ ...OPTIONS, path: 'kb-valid' }, { siteDir: FIXTURES });
    const failedOf = (c: typeof full) => c.runs.find((r) => r.run.automation_run_id === RUN_IDS.failed)!;
    const kept = failedOf(archived);
    const whole = failedOf(full).run;
    expect(kept.archived).toBe(true);
    expect(whole.timeline.length).toBeGreaterThan(0);
    expect(kept.run.timeline).toEqual([]);
    expect(kept.run.steps).toEqual(whole.steps.filter((s) => s.status === 'failed'));
    expect(kept.run.steps.length).toBeGreaterThan(0);
    expect({ ...kept.run, timeline: whole.timeline, steps: whole.steps }).toEqual(whole);
  });

  it('accept only a well-formed ?run= in the archive view', () => {
    expect(parseArchivedRunParam(`bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`)).toEqual({
      project: 'bkk-cold-chain',
      date: '2026-11-24',
      id: RUN_IDS.failed,
    });
    for (const bad of [null, '', '../../etc/passwd', 'a/2026-11-24/run_x/y', 'a/2026-11-24/../run_abcd']) {
      expect(parseArchivedRunParam(bad)).toBeUndefined();
    }
  });
});

describe('searchIgnoreFiles', () => {
  it('matches the run list pages and the archive view, not the runs, the archived-runs index or other pages', () => {
    const [pattern] = searchIgnoreFiles('/runs/');
    const ignored = (route: string) => pattern!.test(route);
    for (const route of ['runs/bkk-cold-chain', 'runs/_archive']) {
      expect(ignored(route)).toBe(true);
    }
    for (const route of [
      'runs',
      `runs/bkk-cold-chain/2026-11-24/${RUN_IDS.failed}`,
      `runs/bkk-cold-chain/2026-11-24/${RUN_IDS.failed}/logs/health/2`,
      'runs/bkk-cold-chain/archived',
      'runs/bkk-cold-chain/archived/2',
      'docs/runs',
      'runsx/p',
    ]) {
      expect(ignored(route)).toBe(false);
    }
  });
});
