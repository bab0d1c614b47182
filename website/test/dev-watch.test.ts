import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from './support/browser.js';
import { SITE_DIR } from './support/build-site.js';

// `docusaurus start` on a small site with one run bundle; a second bundle copied into the KB root
// while the server runs must get its route (the plugin's getPathsToWatch) without a restart.

const RUN_A = 'projects/bkk-cold-chain/runs/2026-11-20/run_01jdz8k2m4q6s8t0v2x4y6z8a0';
const RUN_B = 'projects/bkk-cold-chain/runs/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3';
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
      plugins: [['@fieldops/docusaurus-plugin-runs', { path: 'kb' }]],
    })};\n`,
  );
  await cp(path.join(SITE_DIR, 'kb', RUN_A), path.join(siteDir, 'kb', RUN_A), { recursive: true });
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
  await until('the dev server', async () => ((await fetch(url)).ok ? true : undefined), 120_000);
}, 180_000);

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
    await cp(path.join(SITE_DIR, 'kb', RUN_B), path.join(siteDir, 'kb', RUN_B), { recursive: true });
    await until(
      'the new route',
      async () => ((await routesFile()).includes('run_01jeb3n5p7r9t1v3x5z7b9d1f3') ? true : undefined),
      60_000,
    );
    if (!browserAvailability().run) return;
    const chromium = await launchChromium();
    try {
      const page = await chromium.newPage();
      const route = '/runs/bkk-cold-chain/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3';
      await until(
        'the new run page',
        async () => {
          await page.goto(`${url}${route}`, { waitUntil: 'networkidle' });
          return (await page.getByTestId('run-page').count()) > 0 ? true : undefined;
        },
        60_000,
      );
      await expect(page.locator('h1').first().textContent()).resolves.toContain('Upgrade ChirpStack');
    } finally {
      await chromium.close();
    }
  }, 150_000);
});
