// `pnpm bench:kb`: docusaurus build time and peak memory of a site with N run bundles (rendered by
// @fieldops/docusaurus-plugin-runs) against a site with N equivalent plain Markdown docs, for
// N = 200 and 1,000, in one run. Cold builds (no .docusaurus, no bundler cache) of the same preset.
// Goal (ARCHITECTURE.md §8): ratio runs/markdown <= 1.0. Override N with BENCH_KB_N=50,100.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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
const SIZES = (process.env.BENCH_KB_N ?? '200,1000').split(',').map(Number);
/** Builds per site; the fastest counts (the first one also warms the OS file cache). */
const REPEAT = Number(process.env.BENCH_KB_REPEAT ?? 2);

interface BuildResult {
  ms: number;
  peakRssMb: number | undefined;
}

const common = (title: string) => ({
  title,
  url: 'https://bench.example.com',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  markdown: { format: 'detect' },
  future: { v4: true },
});

async function makeSite(kind: 'runs' | 'markdown', n: number): Promise<string> {
  const dir = path.join(BENCH_DIR, `${kind}-${n}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config =
    kind === 'runs'
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
  if (kind === 'runs') await writeBundles(path.join(dir, 'kb'), n);
  else await writeMarkdownDocs(path.join(dir, 'docs'), n);
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
  return { ms, peakRssMb: kb ? Number(kb) / 1024 : undefined };
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

console.log(
  `\nKB build benchmark (cold docusaurus build, @docusaurus/faster, same preset; best of ${REPEAT}, peak RSS = max)`,
);
console.log(
  '     N | run bundles (time, peak RSS) | plain Markdown (time, peak RSS) | time ratio | memory ratio',
);
for (const { n, runs, markdown } of rows) {
  const mem = runs.peakRssMb && markdown.peakRssMb ? (runs.peakRssMb / markdown.peakRssMb).toFixed(2) : '?';
  console.log(
    `${String(n).padStart(6)} | ${fmt(runs).padEnd(28)} | ${fmt(markdown).padEnd(31)} | ${(runs.ms / markdown.ms).toFixed(2).padStart(10)} | ${mem.padStart(12)}`,
  );
}
const worst = Math.max(...rows.map((r) => r.runs.ms / r.markdown.ms));
console.log(`\ngoal: ratio <= 1.0 — ${worst <= 1 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)})`);
await writeFile(
  path.join(BENCH_DIR, 'results.json'),
  JSON.stringify({ at: new Date().toISOString(), rows }, null, 2),
);
