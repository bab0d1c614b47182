import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from '../../scripts/chromium.mjs';
import { SITE_DIR } from './support/build-site.js';

// `docusaurus start` on a small site with one run bundle; a second bundle copied into the KB root
// while the server runs must get its route (the plugin's getPathsToWatch) without a restart. A
// second plugin instance archives every run: the archive view must work under the dev server too
// (its files are published into a folder the dev server serves, as postBuild does for a build).
//
// The two instances read separate KB roots. Docusaurus reloads a plugin on every change to its
// watched paths, concurrently and each from the site as it was when the reload began (a known race,
// see the TODO above `reloadPlugin` in @docusaurus/core/lib/commands/start/utils.js, 3.10): two
// instances watching one root can each finish last with the other's stale routes. The plugin README
// says so; here each root changes on its own, and a bundle arrives whole (renamed into place).

const RUN_A = 'projects/bkk-cold-chain/runs/2026-11-20/run_01jdz8k2m4q6s8t0v2x4y6z8a0';
const RUN_B = 'projects/bkk-cold-chain/runs/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3';
const XSS = 'projects/security-fixtures/runs/2026-11-26/run_01jexssxssxssxssxssxssxss0';
const ARCHIVE_ALL = {
  lastPerProject: 0,
  failed: false,
  withPostmortem: false,
  withTicket: false,
  previousOfKept: false,
};
const siteDir = path.join(SITE_DIR, '.test-sites', `watch-${process.pid}`);
let server: ChildProcess | undefined;
let url = '';
let output = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const routesFile = () => readFile(path.join(siteDir, '.docusaurus/routes.js'), 'utf8');

/** Copies a fixture bundle beside the KB root, then renames it into place: it appears whole. */
async function arrive(from: string, root: string, run: string): Promise<void> {
  const staging = path.join(siteDir, '.staging', `${root}-${path.basename(run)}`);
  await cp(from, staging, { recursive: true });
  await mkdir(path.dirname(path.join(siteDir, root, run)), { recursive: true });
  await rename(staging, path.join(siteDir, root, run));
}

/** Waits until the dev server has printed no plugin load line for `quietMs` (reloads settled). */
async function settled(quietMs = 3_000, timeoutMs = 120_000): Promise<void> {
  let seen = output.length;
  let since = Date.now();
  await until(
    'the plugin reloads to settle',
    async () => {
      if (output.length !== seen) {
        seen = output.length;
        since = Date.now();
      }
      return Date.now() - since >= quietMs ? true : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  await rm(siteDir, { recursive: true, force: true });
  await mkdir(path.join(siteDir, 'src/pages'), { recursive: true });
  await writeFile(path.join(siteDir, 'package.json'), JSON.stringify({ name: 'watch-site', private: true }));
  await writeFile(path.join(siteDir, 'src/pages/index.md'), '# watch\n');
  await writeFile(
    path.join(siteDir, 'docusaurus.config.js'),
    `module.exports = ${JSON.stringify({
      title: 'watch',
      url: 'http://127.0.0.1',
      baseUrl: '/',
      onBrokenLinks: 'throw',
      future: { v4: true },
      presets: [['classic', { docs: false, blog: false }]],
      plugins: [
        ['@fieldops/docusaurus-plugin-runs', { path: 'kb' }],
        [
          '@fieldops/docusaurus-plugin-runs',
          { id: 'archive', path: 'kb-archive', routeBasePath: 'archive', retention: ARCHIVE_ALL },
        ],
      ],
    })};\n`,
  );
  for (const root of ['kb', 'kb-archive']) {
    await cp(path.join(SITE_DIR, 'kb', RUN_A), path.join(siteDir, root, RUN_A), { recursive: true });
    await cp(path.join(SITE_DIR, 'test/__fixtures__/kb-test', XSS), path.join(siteDir, root, XSS), {
      recursive: true,
    });
  }
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const bin = path.join(SITE_DIR, 'node_modules/@docusaurus/core/bin/docusaurus.mjs');
  server = spawn(
    process.execPath,
    [bin, 'start', '--port', String(port), '--host', '127.0.0.1', '--no-open'],
    {
      cwd: siteDir,
      env: { ...process.env, BROWSER: 'none' },
    },
  );
  server.stdout?.on('data', (d) => {
    output += d;
  });
  server.stderr?.on('data', (d) => {
    output += d;
  });
  await until('the dev server', async () => ((await fetch(url)).ok ? true : undefined), 280_000);
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(siteDir, { recursive: true, force: true });
});

describe('docusaurus start', () => {
  it('adds the route of a bundle copied into the KB root while it runs', async () => {
    expect(await routesFile()).toContain('run_01jdz8k2m4q6s8t0v2x4y6z8a0');
    expect(await routesFile()).not.toContain('run_01jeb3n5p7r9t1v3x5z7b9d1f3');
    await settled();
    await arrive(path.join(SITE_DIR, 'kb', RUN_B), 'kb', RUN_B);
    await until(
      'the new route',
      async () => ((await routesFile()).includes('run_01jeb3n5p7r9t1v3x5z7b9d1f3') ? true : undefined),
      // 4 s alone; over 60 s once in CI while the demo and other suites loaded both cores.
      150_000,
    );
    if (!browserAvailability().run) return;
    const chromium = await launchChromium();
    try {
      const page = await chromium.newPage();
      const route = '/runs/bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3';
      await until(
        'the new run page',
        async () => {
          // Not 'networkidle': the dev server's hot-reload socket can keep the network busy, and a
          // recompile that read a file mid-write (rspack: "JSON parse error") is followed by a good one.
          await page.goto(`${url}${route}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
          await page.getByTestId('run-page').waitFor({ timeout: 15_000 });
          return true;
        },
        150_000,
      );
      await expect(page.locator('h1').first().textContent()).resolves.toContain('Upgrade ChirpStack');
    } finally {
      await chromium.close();
    }
  }, 300_000);

  it('opens an archived run from the list: timeline, steps, logs and postmortem, from files the dev server serves', async () => {
    // RUN_B arrives in the archive instance's root while the server runs.
    await settled();
    await arrive(path.join(SITE_DIR, 'kb', RUN_B), 'kb-archive', RUN_B);
    await until(
      'the archived run in its month pack',
      async () =>
        (await (await fetch(`${url}/archive/bkk-cold-chain/_archive/2026-11.json`)).text()).includes(
          'run_01jeb3n5p7r9t1v3x5z7b9d1f3',
        ) || undefined,
      60_000,
    );
    if (!browserAvailability().run) return;
    const chromium = await launchChromium();
    const errors: string[] = [];
    try {
      const page = await chromium.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      const row = page.locator('[data-testid="run-row"][data-archived="true"]', {
        hasText: 'Upgrade ChirpStack at BKK warehouse 3',
      });
      // The list page's data lands with the site reload, a moment after the files are published.
      await until(
        'the archived run in the list',
        async () => {
          await page.goto(`${url}/archive/bkk-cold-chain`, { waitUntil: 'domcontentloaded' });
          await row.waitFor({ timeout: 10_000 });
          return true;
        },
        120_000,
      );
      await row.locator('a').first().click();
      const run = page.locator('[data-testid="run-page"][data-archived="true"]');
      await run.waitFor({ timeout: 30_000 });
      expect(page.url()).toBe(
        `${url}/archive/_archive?run=bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3`,
      );
      expect(await run.getByTestId('timeline-step').count()).toBe(5);
      expect(await run.getByTestId('run-step').count()).toBe(5);
      const log = run.locator('[data-testid="run-log"][data-log="health"]');
      await expect(log.locator('[data-ansi="red"]').first().textContent()).resolves.toBe('FAIL');
      await expect(run.getByTestId('run-postmortem').textContent()).resolves.toContain(
        'firewall misconfiguration',
      );

      // The hostile bundle, archived, under the dev server: its payloads are text.
      await page.goto(
        `${url}/archive/_archive?run=security-fixtures/2026-11-26/run_01jexssxssxssxssxssxssxss0`,
        {
          waitUntil: 'networkidle',
        },
      );
      await page.locator('[data-testid="run-page"][data-archived="true"]').waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      const text = await page.locator('main').textContent();
      expect(text).toContain('stderr: <script>window.__xss = (window.__xss || 0) + 1</script>');
      expect(await page.locator('main img, main [onerror], main script').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await chromium.close();
    }
  }, 180_000);
});
