import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from '../../scripts/chromium.mjs';
import { buildSite, SITE_DIR } from './support/build-site.js';
import { serveStatic } from './support/static-server.js';

// One real `docusaurus build` of the website (with the hostile fixture bundles under /test-runs),
// served on loopback and driven with Debian's chromium.

const RUNS = {
  success: '/runs/bkk-cold-chain/2026-11-20/run_01jdz8k2m4q6s8t0v2x4y6z8a0',
  failed: '/runs/bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3',
  fixed: '/runs/bkk-cold-chain/2026-11-25/run_01jed7q9s1u3w5y7a9c1e3g5j7',
  xss: '/test-runs/security-fixtures/2026-11-26/run_01jexssxssxssxssxssxssxss0',
  long: '/test-runs/long-logs/2026-11-26/run_01jelonglonglonglonglong00',
};
const SCREENSHOTS = path.join(SITE_DIR, 'test-artifacts');

let outDir: string;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'fieldops-website-'));
  await buildSite(outDir, { testFixtures: true });
  server = await serveStatic(outDir);
}, 600_000);

afterAll(async () => {
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('the built KB', () => {
  it('has a page per example run, the run lists, and the raw logs and artifacts', async () => {
    for (const run of Object.values(RUNS)) {
      await expect(readFile(path.join(outDir, run, 'index.html'), 'utf8')).resolves.toMatch(
        /data-testid="?run-page/,
      );
    }
    await expect(readFile(path.join(outDir, 'runs/bkk-cold-chain/index.html'), 'utf8')).resolves.toContain(
      'run-row',
    );
    expect(await readdir(path.join(outDir, RUNS.failed, 'files/logs'))).toEqual([
      'deploy-chirpstack.ndjson',
      'health.ndjson',
    ]);
    await expect(
      readFile(path.join(outDir, RUNS.success, 'files/artifacts/docker-compose.yml'), 'utf8'),
    ).resolves.toContain('chirpstack/chirpstack:4.18.1');
  });

  it('has a generated page per contract', async () => {
    const html = await readFile(path.join(outDir, 'docs/contracts/kb/RunBundle/index.html'), 'utf8');
    expect(html).toContain('kb.v1.RunBundle');
    expect(html).toContain('run.automation_run_id');
  });

  it('indexes run ids and postmortem words for the local search', async () => {
    const index = await readFile(path.join(outDir, 'search-index.json'), 'utf8');
    expect(index).toContain('run_01jeb3n5p7r9t1v3x5z7b9d1f3');
    expect(index).toContain('misconfiguration');
  });

  it('lists archived runs (id, title, status) on an indexed page, and packs their files per project and month', async () => {
    const index = await readFile(path.join(outDir, 'search-index.json'), 'utf8');
    expect(index).toContain('/test-archive/long-logs/archived');
    const list = await readFile(path.join(outDir, 'test-archive/long-logs/index.html'), 'utf8');
    expect(list).toContain('run_01jelonglonglonglonglong00');
    // No folder of its own: its run record and logs are an entry of its month's pack.
    const run = path.join(outDir, 'test-archive/long-logs/2026-11-26/run_01jelonglonglonglonglong00');
    await expect(readdir(run).catch(() => 'absent')).resolves.toBe('absent');
    expect((await readdir(path.join(outDir, 'test-archive/long-logs/_archive'))).sort()).toEqual([
      '2026-11.1.pack',
      '2026-11.json',
    ]);
    const month = JSON.parse(
      await readFile(path.join(outDir, 'test-archive/long-logs/_archive/2026-11.json'), 'utf8'),
    );
    expect(Object.keys(month.runs)).toEqual(['run_01jelonglonglonglonglong00']);
  });

  it('indexes an archived run once, by id, title and status, on its archived-runs index, and not its logs', async () => {
    // search-index.json: one { documents, index } per kind (titles, headings, descriptions,
    // keywords, contents); each document has its text `t` and its page `u`.
    const kinds = JSON.parse(await readFile(path.join(outDir, 'search-index.json'), 'utf8')) as {
      documents: { t: string; u: string }[];
    }[];
    const docs = kinds.flatMap((k) => k.documents);
    const id = 'run_01jeb3n5p7r9t1v3x5z7b9d1f3';
    // test-archive-kb: the site's own KB with every run archived.
    const archived = docs.filter((d) => d.u.startsWith('/test-archive-kb/'));
    const hits = archived.filter((d) => d.t.includes(id));
    expect(hits.map((d) => d.u)).toEqual(['/test-archive-kb/bkk-cold-chain/archived']);
    expect(hits[0]!.t).toMatch(/failed Upgrade ChirpStack at BKK warehouse 3\b/);
    // Its health log and postmortem are on the full page of the same run (/runs/…), never here.
    expect(docs.some((d) => d.u.startsWith('/runs/') && d.t.includes('no reply within 5000 ms'))).toBe(true);
    expect(archived.filter((d) => /no reply within|udp 10\.20\.3\.11|misconfiguration/.test(d.t))).toEqual(
      [],
    );
    // The run list pages (rows with deployment, times, duration) are left out of the index.
    for (const list of [
      '/test-archive-kb/bkk-cold-chain',
      '/runs/bkk-cold-chain',
      '/test-archive/long-logs',
    ]) {
      expect(docs.filter((d) => d.u === list)).toEqual([]);
    }
  });

  it('serves the hostile bundle with its payloads escaped in the HTML', async () => {
    const html = await readFile(path.join(outDir, RUNS.xss, 'index.html'), 'utf8');
    const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
    // Attribute values (a title, a meta description) may hold the text; markup may not.
    const markup = main.replace(/="[^"]*"|='[^']*'/g, '=""');
    expect(markup).not.toMatch(/<script|<img/);
    expect(main).toContain('stderr: &lt;script>window.__xss');
  });
});

const browser = browserAvailability();

describe.runIf(!browser.run && browser.mustFail)('browser tests under FIELDOPS_CI=1', () => {
  it('need chromium', () => {
    throw new Error(browser.reason);
  });
});

if (!browser.run && !browser.mustFail) console.warn(`[website] browser tests skipped: ${browser.reason}`);

describe.runIf(browser.run)('in chromium', () => {
  let chromium: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
  });

  async function open(route: string): Promise<Page> {
    page = await chromium.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${server.url}${route}`, { waitUntil: 'networkidle' });
    return page;
  }

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.close();
  }

  it('shows a run page with its timeline and steps', async () => {
    await open(RUNS.failed);
    await expect(page.locator('h1').first().textContent()).resolves.toContain(
      'Upgrade ChirpStack at BKK warehouse 3',
    );
    const timeline = page.getByTestId('run-timeline');
    await timeline.waitFor();
    expect(await timeline.getByTestId('timeline-step').count()).toBe(5);
    const steps = page.getByTestId('run-step');
    expect(await steps.count()).toBe(5);
    const health = page.locator('[data-testid="run-step"][data-step="health"]');
    await expect(health.locator('[data-status]').textContent()).resolves.toBe('failed');
    await expect(health.textContent()).resolves.toContain('udp 10.20.3.11:1700: no reply within 5000 ms');
    // The failed step's bar is drawn on the time axis with a width.
    const bar = page.locator('[data-step="health"] [title^="failed"]');
    expect((await bar.boundingBox())?.width).toBeGreaterThan(10);
    await expect(page.getByTestId('run-postmortem').textContent()).resolves.toContain(
      'firewall misconfiguration',
    );
    expect(errors).toEqual([]);
    await shot('run-page-failed');
  });

  it('renders ANSI colours in a log', async () => {
    await open(RUNS.failed);
    const log = page.locator('[data-testid="run-log"][data-log="health"]');
    const red = log.locator('[data-ansi="red"]').first();
    await expect(red.textContent()).resolves.toBe('FAIL');
    const style = await red.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, weight: s.fontWeight };
    });
    expect(style).toEqual({ color: 'rgb(207, 34, 46)', weight: '700' });
    const green = log.locator('[data-ansi="green"]').first();
    await expect(green.evaluate((el) => getComputedStyle(el).color)).resolves.toBe('rgb(26, 127, 55)');
    // No raw escape characters reach the page.
    await expect(log.textContent()).resolves.not.toContain('\u001b');
    await shot('run-log-ansi');
  });

  it('shows the snapshot diff against the previous run of the deployment', async () => {
    await open(RUNS.fixed);
    const gateway = page.locator('[data-testid="run-snapshot"][data-snapshot="gateway-bkk-wh3-01"]');
    await expect(gateway.getByTestId('snapshot-diff').textContent()).resolves.toContain(
      'run_01jeb3n5p7r9t1v3x5z7b9d1f3',
    );
    expect(await gateway.locator('[data-op="add"]').count()).toBe(5);
    await shot('run-snapshot-diff');
  });

  it('renders hostile log, step and postmortem text as text and runs no script', async () => {
    await open(RUNS.xss);
    // The payloads would set this page-level flag (or open a dialog) if any of them ran.
    const flag = await page.evaluate(() => (window as unknown as { __xss?: number }).__xss);
    expect(flag).toBeUndefined();
    const text = await page.locator('main').textContent();
    const script = '<script>window.__xss = (window.__xss || 0) + 1</script>';
    const img = '<img src=x onerror="window.__xss = (window.__xss || 0) + 1">';
    expect(text).toContain(`stderr: ${script}`); // log line
    expect(text).toContain(`step said ${script} and ${img}`); // step message
    await expect(page.getByTestId('run-postmortem').textContent()).resolves.toContain(img); // postmortem
    expect(await page.locator('main img, main [onerror]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    await expect(
      page.locator('[data-testid="run-postmortem"] a', { hasText: 'click me' }).getAttribute('href'),
    ).resolves.toBeNull();
    // A remote image is a link to it (nothing fetched from elsewhere); `/\evil.example` is no link.
    await expect(
      page.locator('[data-testid="run-postmortem"] a[data-remote-image]').getAttribute('href'),
    ).resolves.toBe('http://evil.example/pixel.png');
    expect(await page.locator('main a[href*="evil.example/phish"]').count()).toBe(0);
    await expect(page.locator('main code', { hasText: 'evil.example/phish' }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await shot('run-page-xss');
  });

  it('pages a long log: page 1 on the run page, later pages on routes of their own', async () => {
    await open(RUNS.long);
    const log = page.locator('[data-testid="run-log"][data-log="sync"]');
    expect(await log.locator('tr[data-level]').count()).toBe(500);
    await log.locator('nav a', { hasText: '3' }).first().click();
    await page.getByTestId('run-log-page').waitFor();
    expect(page.url()).toBe(`${server.url}${RUNS.long}/logs/sync/3`);
    const rows = page.locator('[data-testid="run-log"] tr[data-level]');
    expect(await rows.count()).toBe(200);
    await expect(rows.first().locator('td').first().textContent()).resolves.toBe('1001');
    await expect(
      page.locator('[data-testid="run-log"] [aria-current="page"]').first().textContent(),
    ).resolves.toBe('3');
    expect(errors).toEqual([]);
    await shot('run-log-page-3');
  });

  it('filters a project run list by status', async () => {
    await open('/runs/bkk-cold-chain');
    expect(await page.getByTestId('run-row').count()).toBe(3);
    await page.locator('button[data-filter="failed"]').click();
    await expect(page.locator('[data-testid="run-row"][data-status="succeeded"]').count()).resolves.toBe(0);
    expect(await page.getByTestId('run-row').count()).toBe(1);
    await shot('run-list-filtered');
  });

  it('pages a run list: page 1 pre-rendered, later pages loaded from their JSON, full and archived runs', async () => {
    // test-paging: the site's KB, one run a page, the newest with a full page.
    await expect(
      readFile(path.join(outDir, 'test-paging/bkk-cold-chain/index.html'), 'utf8'),
    ).resolves.toContain('run_01jed7q9s1u3w5y7a9c1e3g5j7');
    await open('/test-paging/bkk-cold-chain');
    const list = page.getByTestId('run-list');
    await expect(list.getAttribute('data-page')).resolves.toBe('1');
    await expect(page.getByTestId('run-list-pager').first().textContent()).resolves.toContain('Page 1 of 3');
    await page.getByTestId('run-list-pager').first().locator('a', { hasText: 'older' }).click();
    await page.locator('[data-testid="run-list"][data-page="2"]').waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${server.url}/test-paging/bkk-cold-chain?page=2`);
    const row = page.getByTestId('run-row');
    expect(await row.count()).toBe(1);
    await expect(row.getAttribute('data-archived')).resolves.toBe('true');
    await expect(row.textContent()).resolves.toContain('run_01jeb3n5p7r9t1v3x5z7b9d1f3');
    // An archived row of a later page opens the archive view.
    await row.locator('a').first().click();
    await page.locator('[data-testid="run-page"][data-archived="true"]').waitFor({ timeout: 15_000 });
    // Opened directly, the last page loads too; one past it shows page 1.
    await page.goto(`${server.url}/test-paging/bkk-cold-chain?page=3`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid="run-list"][data-page="3"]').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('run-row').textContent()).resolves.toContain(
      'run_01jdz8k2m4q6s8t0v2x4y6z8a0',
    );
    await page.goto(`${server.url}/test-paging/bkk-cold-chain?page=4`, { waitUntil: 'networkidle' });
    await expect(page.getByTestId('run-list').getAttribute('data-page')).resolves.toBe('1');
    expect(errors).toEqual([]);
    await shot('run-list-page-3');
  });

  it('finds a run by its id and by words of its postmortem with the local search', async () => {
    for (const [query, name] of [
      ['run_01jeb3n5p7r9t1v3x5z7b9d1f3', 'search-run-id'],
      ['misconfiguration', 'search-postmortem'],
    ] as const) {
      await open(`/search?q=${encodeURIComponent(query)}`);
      const hit = page.locator(`article a[href$="${RUNS.failed}"]`).first();
      await hit.waitFor({ timeout: 15_000 });
      await shot(name);
    }
  });

  it('finds an archived run by its id and title with the local search, on its archived-runs index', async () => {
    for (const query of ['run_01jeb3n5p7r9t1v3x5z7b9d1f3', 'Upgrade ChirpStack BKK warehouse']) {
      await open(`/search?q=${encodeURIComponent(query)}`);
      const hit = page.locator('article a[href$="/test-archive-kb/bkk-cold-chain/archived"]').first();
      await hit.waitFor({ timeout: 15_000 });
    }
    await page.locator('article a[href$="/test-archive-kb/bkk-cold-chain/archived"]').first().click();
    const row = page.locator('[data-testid="archived-index-row"]', {
      hasText: 'run_01jeb3n5p7r9t1v3x5z7b9d1f3',
    });
    await expect(row.getAttribute('data-status')).resolves.toBe('failed');
    await row.locator('a').click();
    await page.locator('[data-testid="run-page"][data-archived="true"]').waitFor({ timeout: 15_000 });
    await shot('search-archived-run');
  });

  it('opens an archived run from the list: timeline, steps, logs and postmortem from its files', async () => {
    await open('/test-archive-kb/bkk-cold-chain');
    const row = page.locator('[data-testid="run-row"][data-archived="true"]', {
      hasText: 'Upgrade ChirpStack at BKK warehouse 3',
    });
    await row.locator('a').first().click();
    const run = page.locator('[data-testid="run-page"][data-archived="true"]');
    await run.waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(
      `${server.url}/test-archive-kb/_archive?run=bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3`,
    );
    expect(await run.getByTestId('timeline-step').count()).toBe(5);
    expect(await run.getByTestId('run-step').count()).toBe(5);
    const health = run.locator('[data-testid="run-step"][data-step="health"]');
    await expect(health.locator('[data-status]').textContent()).resolves.toBe('failed');
    const log = run.locator('[data-testid="run-log"][data-log="health"]');
    await expect(log.locator('[data-ansi="red"]').first().textContent()).resolves.toBe('FAIL');
    await expect(run.getByTestId('run-postmortem').textContent()).resolves.toContain(
      'firewall misconfiguration',
    );
    const gateway = run.locator('[data-testid="run-snapshot"][data-snapshot="gateway-bkk-wh3-01"]');
    expect(await gateway.count()).toBe(1);
    expect(errors).toEqual([]);
    await shot('archived-run');
  });

  it('renders hostile text of an archived bundle as text and runs no script', async () => {
    await open('/test-archive/_archive?run=security-fixtures/2026-11-26/run_01jexssxssxssxssxssxssxss0');
    await page.locator('[data-testid="run-page"][data-archived="true"]').waitFor({ timeout: 15_000 });
    const flag = await page.evaluate(() => (window as unknown as { __xss?: number }).__xss);
    expect(flag).toBeUndefined();
    const text = await page.locator('main').textContent();
    const script = '<script>window.__xss = (window.__xss || 0) + 1</script>';
    const img = '<img src=x onerror="window.__xss = (window.__xss || 0) + 1">';
    expect(text).toContain(`stderr: ${script}`); // log line, parsed in the browser
    expect(text).toContain(`step said ${script} and ${img}`); // step message
    await expect(page.getByTestId('run-postmortem').textContent()).resolves.toContain(img);
    expect(await page.locator('main img, main [onerror]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('main a[href*="evil.example/phish"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await shot('archived-run-xss');
  });

  it('fetches one pack entry of an archived run by range, and links its raw log as text', async () => {
    const ranges: string[] = [];
    page = await chromium.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.url().endsWith('.pack')) ranges.push(r.headers().range ?? 'none');
    });
    await page.goto(
      `${server.url}/test-archive-kb/_archive?run=bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3`,
      { waitUntil: 'networkidle' },
    );
    const log = page.locator('[data-testid="run-log"][data-log="health"]');
    await log.waitFor({ timeout: 15_000 });
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatch(/^bytes=\d+-\d+$/);
    const raw = await log.locator('a', { hasText: 'raw NDJSON' }).getAttribute('href');
    expect(raw).toMatch(/^blob:/);
    const text = await page.evaluate(async (href) => (await fetch(href as string)).text(), raw);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((l) => 'ts' in JSON.parse(l)),
    ).toBe(true);
    expect(text).toContain('no reply within 5000 ms');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens an archived run from a host that ignores Range requests (the whole part, cut in the browser)', async () => {
    const plain = await serveStatic(outDir, { noRange: true });
    try {
      page = await chromium.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(
        `${plain.url}/test-archive/_archive?run=security-fixtures/2026-11-26/run_01jexssxssxssxssxssxssxss0`,
        { waitUntil: 'networkidle' },
      );
      await page.locator('[data-testid="run-page"][data-archived="true"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('main').textContent()).toContain(
        'stderr: <script>window.__xss = (window.__xss || 0) + 1</script>',
      );
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await plain.close();
    }
  });

  it('says so for a well-formed address of a run that is not in the archive', async () => {
    await open('/test-archive/_archive?run=security-fixtures/2026-11-26/run_01jenosuchrunnosuchrun000');
    await expect(page.getByTestId('run-archive-error').textContent()).resolves.toContain(
      'is not in the archive',
    );
    await open('/test-archive/_archive?run=security-fixtures/2031-01-26/run_01jexssxssxssxssxssxssxss0');
    await expect(page.getByTestId('run-archive-error').textContent()).resolves.toContain(
      'is not in the archive',
    );
    await page.close();
  });

  it('refuses an archive address that is not a run', async () => {
    await open('/test-archive/_archive?run=../../sitemap.xml');
    await expect(page.getByTestId('run-archive-error').textContent()).resolves.toContain('no such run');
    await page.close();
  });

  it('reaches the runs from the navbar', async () => {
    await open('/');
    await page.locator('nav.navbar a', { hasText: 'Runs' }).first().click();
    await page.getByTestId('runs-projects').waitFor();
    await page.locator('a', { hasText: 'bkk-cold-chain' }).first().click();
    await page.getByTestId('run-list').waitFor();
    expect(errors).toEqual([]);
    await shot('runs-index');
  });
});
