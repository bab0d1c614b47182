// `pnpm bench:kb`, two tables from one run:
// 1. docusaurus build time and peak memory of a site with N run bundles (rendered by
//    @fieldops/docusaurus-plugin-runs) against a site with N equivalent plain Markdown docs, for
//    N = 200 and 1,000. Goal (ARCHITECTURE.md §8): ratio runs/markdown <= 1.0. BENCH_KB_N=50,100
//    overrides N; BENCH_KB_N= (empty) skips this table.
// 2. scale (issue 19): sites with 1,000, 5,000 and 20,000 bundles of the same generator, with the
//    local search plugin, one cold build each: time and peak memory against the 1,000-run build,
//    full pages, search index size; then the incremental reload `docusaurus start` does (the plugin's
//    loader with its cache) when one bundle is added among the largest N. Goal: <= 1.5x.
//    BENCH_KB_SCALE=1000,5000,20000 overrides (the first is the baseline); BENCH_KB_RETENTION is the
//    plugin's `retention` option as JSON (default: the plugin's defaults).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBundles, writeMarkdownDocs } from './synthetic.mts';

const WEBSITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.join(WEBSITE, '.bench');
const DOCUSAURUS = createRequire(path.join(WEBSITE, 'package.json')).resolve(
  '@docusaurus/core/bin/docusaurus.mjs',
);
const GNU_TIME = '/usr/bin/time';
const SIZES = (process.env.BENCH_KB_N ?? '200,1000').split(',').filter(Boolean).map(Number);
const SCALE = (process.env.BENCH_KB_SCALE ?? '1000,5000,20000').split(',').filter(Boolean).map(Number);
const RETENTION = process.env.BENCH_KB_RETENTION ? JSON.parse(process.env.BENCH_KB_RETENTION) : undefined;
/** Builds per site; the fastest counts (the first one also warms the OS file cache). */
const REPEAT = Number(process.env.BENCH_KB_REPEAT ?? 2);

interface BuildResult {
  ms: number;
  peakRssMb: number | undefined;
  output?: string;
}

const common = (title: string) => ({
  title,
  url: 'https://bench.example.com',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  markdown: { format: 'detect' },
  future: { v4: true },
});

async function makeSite(kind: 'runs' | 'markdown' | 'scale', n: number): Promise<string> {
  const dir = path.join(BENCH_DIR, `${kind}-${n}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config =
    kind === 'scale'
      ? {
          ...common(`scale ${n}`),
          // The search theme reads the docs plugin's data: one doc.
          presets: [['classic', { docs: { routeBasePath: 'docs', sidebarPath: false }, blog: false }]],
          plugins: [
            [
              '@fieldops/docusaurus-plugin-runs',
              { path: 'kb', routeBasePath: 'runs', ...(RETENTION ? { retention: RETENTION } : {}) },
            ],
          ],
          themes: [
            [
              '@easyops-cn/docusaurus-search-local',
              { hashed: true, indexDocs: false, indexBlog: false, indexPages: true },
            ],
          ],
        }
      : kind === 'runs'
        ? {
            ...common(`runs ${n}`),
            presets: [['classic', { docs: false, blog: false }]],
            plugins: [['@fieldops/docusaurus-plugin-runs', { path: 'kb', routeBasePath: 'runs' }]],
          }
        : {
            ...common(`markdown ${n}`),
            presets: [['classic', { docs: { routeBasePath: 'docs', sidebarPath: false }, blog: false }]],
          };
  await writeFile(
    path.join(dir, 'docusaurus.config.js'),
    `module.exports = ${JSON.stringify(config, null, 2)};\n`,
  );
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `bench-${kind}-${n}`, private: true }),
  );
  await mkdir(path.join(dir, 'src/pages'), { recursive: true });
  await writeFile(path.join(dir, 'src/pages/index.md'), `# ${kind} ${n}\n`);
  if (kind !== 'markdown') await writeBundles(path.join(dir, 'kb'), n);
  if (kind === 'scale') {
    await mkdir(path.join(dir, 'docs'), { recursive: true });
    await writeFile(path.join(dir, 'docs/index.md'), '# Runs\n\nThe automation runs of the bench fleet.\n');
  } else await writeMarkdownDocs(path.join(dir, 'docs'), n);
  return dir;
}

/** One cold `docusaurus build`; peak RSS from GNU time when it is installed. */
async function build(siteDir: string): Promise<BuildResult> {
  await rm(path.join(siteDir, '.docusaurus'), { recursive: true, force: true });
  await rm(path.join(siteDir, 'node_modules'), { recursive: true, force: true });
  await rm(path.join(siteDir, 'build'), { recursive: true, force: true });
  const useTime = existsSync(GNU_TIME);
  const args = [DOCUSAURUS, 'build', siteDir, '--out-dir', path.join(siteDir, 'build')];
  const [cmd, argv] = useTime
    ? [GNU_TIME, ['-f', 'BENCH_PEAK_KB=%M', process.execPath, ...args]]
    : [process.execPath, args];
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, argv as string[], {
      cwd: siteDir,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`build of ${siteDir} failed:\n${out}`)),
    );
  });
  const ms = performance.now() - started;
  const kb = /BENCH_PEAK_KB=(\d+)/.exec(output)?.[1];
  return { ms, peakRssMb: kb ? Number(kb) / 1024 : undefined, output };
}

const fmt = (r: BuildResult) =>
  `${(r.ms / 1000).toFixed(1).padStart(6)} s ${r.peakRssMb ? `${r.peakRssMb.toFixed(0).padStart(5)} MB` : '    ? MB'}`;

const rows: { n: number; runs: BuildResult; markdown: BuildResult }[] = [];
for (const n of SIZES) {
  const [runsSite, mdSite] = [await makeSite('runs', n), await makeSite('markdown', n)];
  // Alternate the two sites and keep each one's fastest build.
  const results: { runs: BuildResult[]; markdown: BuildResult[] } = { runs: [], markdown: [] };
  for (let i = 0; i < REPEAT; i++) {
    results.markdown.push(await build(mdSite));
    results.runs.push(await build(runsSite));
  }
  const best = (list: BuildResult[]) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
  const peak = (list: BuildResult[]) =>
    list.every((r) => r.peakRssMb !== undefined)
      ? Math.max(...list.map((r) => r.peakRssMb as number))
      : undefined;
  const markdown = { ms: best(results.markdown).ms, peakRssMb: peak(results.markdown) };
  const runs = { ms: best(results.runs).ms, peakRssMb: peak(results.runs) };
  rows.push({ n, runs, markdown });
  console.log(
    `N=${n}: runs ${fmt(runs)} | markdown ${fmt(markdown)} | ratio ${(runs.ms / markdown.ms).toFixed(2)}`,
  );
}

if (rows.length > 0)
  console.log(
    `\nKB build benchmark (cold docusaurus build, @docusaurus/faster, same preset; best of ${REPEAT}, peak RSS = max)`,
  );
if (rows.length > 0)
  console.log(
    '     N | run bundles (time, peak RSS) | plain Markdown (time, peak RSS) | time ratio | memory ratio',
  );
for (const { n, runs, markdown } of rows) {
  const mem = runs.peakRssMb && markdown.peakRssMb ? (runs.peakRssMb / markdown.peakRssMb).toFixed(2) : '?';
  console.log(
    `${String(n).padStart(6)} | ${fmt(runs).padEnd(28)} | ${fmt(markdown).padEnd(31)} | ${(runs.ms / markdown.ms).toFixed(2).padStart(10)} | ${mem.padStart(12)}`,
  );
}
if (rows.length > 0) {
  const worst = Math.max(...rows.map((r) => r.runs.ms / r.markdown.ms));
  console.log(`\ngoal: ratio <= 1.0 — ${worst <= 1 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)})`);
}
// ---- scale rows (issue 19) ----
interface ScaleRow {
  n: number;
  build: BuildResult;
  fullPages: number;
  searchIndexBytes: number;
}
const scaleRows: ScaleRow[] = [];
let incremental: { n: number; coldMs: number; reloadMs: number; read: number; reused: number } | undefined;

async function searchIndexBytes(outDir: string): Promise<number> {
  const names = (await readdir(outDir)).filter((f) => /^search-index.*\.json$/.test(f));
  const sizes = await Promise.all(names.map(async (f) => (await stat(path.join(outDir, f))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

for (const n of SCALE) {
  const site = await makeSite('scale', n);
  const build1 = await build(site);
  const full = /\((\d+) full pages/.exec(build1.output ?? '')?.[1];
  scaleRows.push({
    n,
    build: build1,
    fullPages: Number(full ?? Number.NaN),
    searchIndexBytes: await searchIndexBytes(path.join(site, 'build')),
  });
  console.log(`scale N=${n}: ${fmt(build1)}, ${full} full pages`);
  if (n !== SCALE[SCALE.length - 1]) await rm(site, { recursive: true, force: true });
}

// Incremental reload on the largest site: the loader `docusaurus start` keeps between reloads.
if (SCALE.length > 0) {
  const n = SCALE[SCALE.length - 1] as number;
  const site = path.join(BENCH_DIR, `scale-${n}`);
  const plugin = (await import(
    '@fieldops/docusaurus-plugin-runs'
  )) as typeof import('@fieldops/docusaurus-plugin-runs');
  const options = {
    ...plugin.DEFAULT_OPTIONS,
    ...(RETENTION ? { retention: { ...plugin.DEFAULT_OPTIONS.retention, ...RETENTION } } : {}),
  };
  const loader = plugin.createRunsLoader();
  const cold = await loader.load(options, { siteDir: site, warn: () => {} });
  await writeBundles(path.join(site, 'kb'), 1, n);
  const again = await loader.load(options, { siteDir: site, warn: () => {} });
  incremental = {
    n,
    coldMs: cold.stats.ms,
    reloadMs: again.stats.ms,
    read: again.stats.read,
    reused: again.stats.reused,
  };
}

if (scaleRows.length > 0) {
  const base = scaleRows[0] as ScaleRow;
  console.log(
    `\nKB at scale (cold docusaurus build with the local search plugin, one build per N; retention ${RETENTION ? JSON.stringify(RETENTION) : 'defaults'})`,
  );
  console.log('     N | time      | peak RSS | time ratio | memory ratio | full pages | search index');
  for (const r of scaleRows) {
    const mem =
      r.build.peakRssMb && base.build.peakRssMb ? (r.build.peakRssMb / base.build.peakRssMb).toFixed(2) : '?';
    console.log(
      `${String(r.n).padStart(6)} | ${`${(r.build.ms / 1000).toFixed(1)} s`.padEnd(9)} | ${`${r.build.peakRssMb?.toFixed(0) ?? '?'} MB`.padEnd(8)} | ${(r.build.ms / base.build.ms).toFixed(2).padStart(10)} | ${mem.padStart(12)} | ${String(r.fullPages).padStart(10)} | ${(r.searchIndexBytes / 1e6).toFixed(2)} MB`,
    );
  }
  const last = scaleRows[scaleRows.length - 1] as ScaleRow;
  const t = last.build.ms / base.build.ms;
  const m =
    last.build.peakRssMb && base.build.peakRssMb ? last.build.peakRssMb / base.build.peakRssMb : Number.NaN;
  console.log(
    `\ngoal: ${last.n} runs <= 1.5x the time and memory of ${base.n} — time ${t.toFixed(2)}x, memory ${m.toFixed(2)}x: ${t <= 1.5 && m <= 1.5 ? 'met' : 'NOT met'}`,
  );
}
if (incremental) {
  console.log(
    `incremental reload (docusaurus start's loader) after adding 1 bundle among ${incremental.n}: ${incremental.reloadMs.toFixed(0)} ms, ${incremental.read} read, ${incremental.reused} unchanged (cold load ${incremental.coldMs.toFixed(0)} ms)`,
  );
}

await writeFile(
  path.join(BENCH_DIR, 'results.json'),
  JSON.stringify({ at: new Date().toISOString(), rows, scale: scaleRows, incremental }, null, 2),
);
