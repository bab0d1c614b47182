// `pnpm bench:kb`, two tables from one run:
// 1. docusaurus build time and peak memory of a site with N run bundles (rendered by
//    @fieldops/docusaurus-plugin-runs) against a site with N equivalent plain Markdown docs, for
//    N = 200 and 1,000. Goal (ARCHITECTURE.md §8): ratio runs/markdown <= 1.0. BENCH_KB_N=50,100
//    overrides N; BENCH_KB_N= (empty) skips this table.
// 2. scale (issue 19): sites with 1,000, 5,000 and 20,000 bundles of the same generator, with the
//    local search plugin. Per N a cold build (no caches at all: the first build ever) and a warm
//    one (the plugin's validation cache left by the cold build kept, every Docusaurus/rspack cache
//    and the output removed: a daily CI build that restores the plugin cache): time, peak memory and
//    CPU seconds (user + system, from GNU time: less moved by the shared machine's load than the
//    clock) against the 1,000-run build, full pages, search index size. Goal: warm 20,000 <= 1.5x warm
//    1,000. Then `docusaurus start` on the largest site: one bundle added, timed until the dev
//    server has it (its route, or its entry in its month's pack index when it is archived), with the plugin's own
//    line (bundles read / unchanged, ms).
//    BENCH_KB_SCALE=1000,5000,20000 overrides (the first is the baseline; when it comes again later,
//    e.g. 1000,20000,1000, the baseline is the mean of its rows, so load that changes during the
//    run weighs on both sides; the dev-server measure uses the largest N); BENCH_KB_RETENTION is the
//    plugin's `retention` option as JSON (default: the plugin's defaults); BENCH_KB_START=0 skips
//    the dev-server measure; BENCH_KB_START_TIMEOUT_S (default 900) bounds each of its waits;
//    BENCH_KB_KEEP=1 keeps each site and its output under website/.bench. Each row says the 1-minute
//    load average at the start and end of each build (the machine's other work moves the figures).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBundle, writeBundles, writeMarkdownDocs } from './synthetic.mts';

const WEBSITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.join(WEBSITE, '.bench');
const DOCUSAURUS = createRequire(path.join(WEBSITE, 'package.json')).resolve(
  '@docusaurus/core/bin/docusaurus.mjs',
);
const GNU_TIME = '/usr/bin/time';
// The runs plugin as the website resolves it (its CommonJS build), for the bench sites' configs.
const RUNS_PLUGIN = createRequire(path.join(WEBSITE, 'package.json')).resolve(
  '@fieldops/docusaurus-plugin-runs',
);
const SIZES = (process.env.BENCH_KB_N ?? '200,1000').split(',').filter(Boolean).map(Number);
const SCALE = (process.env.BENCH_KB_SCALE ?? '1000,5000,20000').split(',').filter(Boolean).map(Number);
const RETENTION = process.env.BENCH_KB_RETENTION ? JSON.parse(process.env.BENCH_KB_RETENTION) : undefined;
/** Builds per site; the fastest counts (the first one also warms the OS file cache). */
const REPEAT = Number(process.env.BENCH_KB_REPEAT ?? 2);

interface BuildResult {
  ms: number;
  peakRssMb: number | undefined;
  /** CPU seconds (user + system, all threads) from GNU time: the work done, less moved by the machine's other load than `ms`. */
  cpuS?: number;
  output?: string;
  /** The 1-minute load average when the build started and when it ended (2 shared cores: the figures move with it). */
  load?: [number, number];
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
              // IGNORE_FILES: replaced by the plugin's searchIgnoreFiles('runs') in the written config.
              {
                hashed: true,
                indexDocs: false,
                indexBlog: false,
                indexPages: true,
                ignoreFiles: 'IGNORE_FILES',
              },
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
  // The run list pages are left to the search plugin's ignoreFiles (RegExps: written as JS, not JSON).
  await writeFile(
    path.join(dir, 'docusaurus.config.js'),
    `module.exports = ${JSON.stringify(config, null, 2).replace(
      '"IGNORE_FILES"',
      `require(${JSON.stringify(RUNS_PLUGIN)}).searchIgnoreFiles('runs')`,
    )};\n`,
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

const PLUGIN_CACHE = 'fieldops-docusaurus-plugin-runs';

/**
 * One `docusaurus build` without Docusaurus' and rspack's caches and without the last output; with
 * `keepPluginCache`, the runs plugin's validation cache stays. Peak RSS from GNU time when installed.
 */
async function build(siteDir: string, keepPluginCache = false): Promise<BuildResult> {
  await rm(path.join(siteDir, '.docusaurus'), { recursive: true, force: true });
  await rm(path.join(siteDir, 'build'), { recursive: true, force: true });
  const caches = path.join(siteDir, 'node_modules/.cache');
  if (!keepPluginCache) await rm(path.join(siteDir, 'node_modules'), { recursive: true, force: true });
  else if (existsSync(caches)) {
    for (const name of await readdir(caches)) {
      if (name !== PLUGIN_CACHE) await rm(path.join(caches, name), { recursive: true, force: true });
    }
  }
  const useTime = existsSync(GNU_TIME);
  const args = [DOCUSAURUS, 'build', siteDir, '--out-dir', path.join(siteDir, 'build')];
  const [cmd, argv] = useTime
    ? [GNU_TIME, ['-f', 'BENCH_PEAK_KB=%M BENCH_CPU_S=%U+%S', process.execPath, ...args]]
    : [process.execPath, args];
  const started = performance.now();
  const loadAtStart = loadavg()[0] as number;
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
  // BENCH_KB_LOG_DIR: each build's whole output kept there (with DOCUSAURUS_PERF_LOGGER=true it
  // has Docusaurus' per-phase time and heap lines).
  if (process.env.BENCH_KB_LOG_DIR) {
    await mkdir(process.env.BENCH_KB_LOG_DIR, { recursive: true });
    const name = `${path.basename(siteDir)}-${keepPluginCache ? 'warm' : 'cold'}-${Date.now()}.log`;
    await writeFile(path.join(process.env.BENCH_KB_LOG_DIR, name), output);
  }
  const kb = /BENCH_PEAK_KB=(\d+)/.exec(output)?.[1];
  const cpu = /BENCH_CPU_S=([\d.]+)\+([\d.]+)/.exec(output);
  return {
    ms,
    peakRssMb: kb ? Number(kb) / 1024 : undefined,
    ...(cpu ? { cpuS: Number(cpu[1]) + Number(cpu[2]) } : {}),
    output,
    load: [loadAtStart, loadavg()[0] as number],
  };
}

const fmt = (r: BuildResult) =>
  `${(r.ms / 1000).toFixed(1).padStart(6)} s ${r.peakRssMb ? `${r.peakRssMb.toFixed(0).padStart(5)} MB` : '    ? MB'}${r.cpuS !== undefined ? ` (CPU ${r.cpuS.toFixed(1)} s)` : ''}`;

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
  cold: BuildResult;
  warm: BuildResult;
  fullPages: number;
  searchIndexBytes: number;
  pluginLines: string[];
}
const scaleRows: ScaleRow[] = [];
let start: { n: number; readyMs: number; pickupMs: number; pluginLine: string } | undefined;

async function searchIndexBytes(outDir: string): Promise<number> {
  const names = (await readdir(outDir)).filter((f) => /^search-index.*\.json$/.test(f));
  const sizes = await Promise.all(names.map(async (f) => (await stat(path.join(outDir, f))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

const pluginLinesOf = (output = '') => output.split('\n').filter((l) => l.includes(`[${PLUGIN_CACHE}]`));

const LARGEST = Math.max(...SCALE);
for (const [i, n] of SCALE.entries()) {
  const site = await makeSite('scale', n);
  const cold = await build(site);
  const warm = await build(site, true);
  const full = /\((\d+) full pages/.exec(warm.output ?? '')?.[1];
  scaleRows.push({
    n,
    cold,
    warm,
    fullPages: Number(full ?? Number.NaN),
    searchIndexBytes: await searchIndexBytes(path.join(site, 'build')),
    pluginLines: [...pluginLinesOf(cold.output), ...pluginLinesOf(warm.output)],
  });
  const loads = (r: BuildResult) => (r.load ? ` (load ${r.load.map((l) => l.toFixed(0)).join('→')})` : '');
  console.log(
    `scale N=${n}: cold ${fmt(cold)}${loads(cold)}, warm ${fmt(warm)}${loads(warm)}, ${full} full pages`,
  );
  for (const l of scaleRows[scaleRows.length - 1]?.pluginLines ?? []) console.log(`  ${l.trim()}`);
  // BENCH_KB_KEEP=1 keeps every site and its output (to look at the built pages afterwards).
  const keep =
    process.env.BENCH_KB_KEEP === '1' ||
    (n === LARGEST && process.env.BENCH_KB_START !== '0' && !SCALE.slice(i + 1).includes(n));
  if (!keep) await rm(site, { recursive: true, force: true });
}

/** How long the dev-server measure waits for each thing (the server, the new run) before failing. */
const START_TIMEOUT_MS = Number(process.env.BENCH_KB_START_TIMEOUT_S ?? 900) * 1000;

/**
 * `docusaurus start` on the largest site; one bundle added; the time until the dev server has it:
 * its route (a full page) or its month's pack index naming it (an archived run).
 */
async function measureStart(n: number): Promise<NonNullable<typeof start>> {
  const site = path.join(BENCH_DIR, `scale-${n}`);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [DOCUSAURUS, 'start', '--port', String(port), '--host', '127.0.0.1', '--no-open'],
    {
      cwd: site,
      env: { ...process.env, BROWSER: 'none', NODE_ENV: 'development' },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const until = async (what: string, probe: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (await probe().catch(() => false)) return;
      if (child.exitCode !== null)
        throw new Error(`docusaurus start exited while waiting for ${what}:\n${out.slice(-3000)}`);
      if (performance.now() > deadline)
        throw new Error(`docusaurus start: no ${what} after ${timeoutMs / 1000} s:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  try {
    await until('the dev server', async () => (await fetch(`http://127.0.0.1:${port}/`)).ok);
    const readyMs = performance.now() - t0;
    const before = out.length;
    const t1 = performance.now();
    const dir = await writeBundle(path.join(site, 'kb'), n);
    // <kb>/projects/<project>/runs/<date>/<run id>: the run gets a full page (its route) or is
    // archived (no route: its month's pack index, served by the dev server, names it).
    const [project, , date, id] = path.relative(path.join(site, 'kb'), dir).split(path.sep).slice(1);
    const routes = path.join(site, '.docusaurus/routes.js');
    // An archived run is served once its month's pack index names it.
    const packIndex = `http://127.0.0.1:${port}/runs/${project}/_archive/${(date as string).slice(0, 7)}.json`;
    await until(
      'the new run (its route, or its entry in the month pack)',
      async () =>
        (await readFile(routes, 'utf8')).includes(id as string) ||
        (await fetch(packIndex).then((r) => (r.ok ? r.text() : ''))).includes(`"${id}"`),
      START_TIMEOUT_MS,
    );
    const pickupMs = performance.now() - t1;
    const pluginLine =
      pluginLinesOf(out.slice(before))
        .find((l) => l.includes('run bundles'))
        ?.trim() ?? '(no plugin line)';
    return { n, readyMs, pickupMs, pluginLine };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

if (SCALE.length > 0 && process.env.BENCH_KB_START !== '0') {
  start = await measureStart(LARGEST);
}

if (scaleRows.length > 0) {
  // The baseline: the first N's rows (more than one when it was built again later in the run), averaged.
  const baseRows = scaleRows.filter((r) => r.n === scaleRows[0]?.n);
  const mean = (pick: (r: ScaleRow) => number | undefined) => {
    const values = baseRows.map(pick);
    return values.every((v) => v !== undefined)
      ? (values as number[]).reduce((a, b) => a + b, 0) / values.length
      : undefined;
  };
  const base = {
    n: baseRows[0]?.n as number,
    cold: { ms: mean((r) => r.cold.ms) as number, peakRssMb: mean((r) => r.cold.peakRssMb) },
    warm: {
      ms: mean((r) => r.warm.ms) as number,
      peakRssMb: mean((r) => r.warm.peakRssMb),
      cpuS: mean((r) => r.warm.cpuS),
    },
  };
  if (baseRows.length > 1)
    console.log(
      `\nbaseline: mean of ${baseRows.length} builds of ${base.n} runs (warm ${baseRows.map((r) => `${(r.warm.ms / 1000).toFixed(1)} s ${r.warm.peakRssMb?.toFixed(0)} MB`).join(', ')})`,
    );
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(2) : '?');
  console.log(
    `\nKB at scale (docusaurus build with the local search plugin; retention ${RETENTION ? JSON.stringify(RETENTION) : 'defaults'}; cold = no caches, warm = the plugin's validation cache kept, other caches and output removed)`,
  );
  console.log(
    '     N | cold time | cold RSS | warm time | warm RSS | warm CPU | warm time ratio | warm memory ratio | warm CPU ratio | cold time ratio | cold memory ratio | full pages | search index | load (cold; warm)',
  );
  for (const r of scaleRows) {
    console.log(
      [
        String(r.n).padStart(6),
        `${(r.cold.ms / 1000).toFixed(1)} s`.padEnd(9),
        `${r.cold.peakRssMb?.toFixed(0) ?? '?'} MB`.padEnd(8),
        `${(r.warm.ms / 1000).toFixed(1)} s`.padEnd(9),
        `${r.warm.peakRssMb?.toFixed(0) ?? '?'} MB`.padEnd(8),
        `${r.warm.cpuS?.toFixed(1) ?? '?'} s`.padEnd(8),
        ratio(r.warm.ms, base.warm.ms).padStart(15),
        ratio(r.warm.peakRssMb, base.warm.peakRssMb).padStart(17),
        ratio(r.warm.cpuS, base.warm.cpuS).padStart(14),
        ratio(r.cold.ms, base.cold.ms).padStart(15),
        ratio(r.cold.peakRssMb, base.cold.peakRssMb).padStart(17),
        String(r.fullPages).padStart(10),
        `${(r.searchIndexBytes / 1e6).toFixed(2)} MB`,
        [r.cold, r.warm].map((b) => b.load?.map((l) => l.toFixed(0)).join('→') ?? '?').join('; '),
      ].join(' | '),
    );
  }
  const last = scaleRows.find((r) => r.n === LARGEST) as ScaleRow;
  const t = last.warm.ms / base.warm.ms;
  const m =
    last.warm.peakRssMb && base.warm.peakRssMb ? last.warm.peakRssMb / base.warm.peakRssMb : Number.NaN;
  const c = last.warm.cpuS && base.warm.cpuS ? last.warm.cpuS / base.warm.cpuS : Number.NaN;
  console.log(
    `\ngoal: ${last.n} runs <= 1.5x the time and memory of ${base.n} (warm builds) — time ${t.toFixed(2)}x, memory ${m.toFixed(2)}x: ${t <= 1.5 && m <= 1.5 ? 'met' : 'NOT met'} (CPU time, user + system: ${c.toFixed(2)}x)`,
  );
}
if (start) {
  console.log(
    `docusaurus start on ${start.n} runs: ready in ${(start.readyMs / 1000).toFixed(1)} s; one bundle added, served after ${(start.pickupMs / 1000).toFixed(1)} s; plugin: ${start.pluginLine}`,
  );
}

await writeFile(
  path.join(BENCH_DIR, 'results.json'),
  JSON.stringify({ at: new Date().toISOString(), rows, scale: scaleRows, start }, null, 2),
);
