import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SITE_DIR } from './support/build-site.js';

// A real `docusaurus build` of a site whose KB holds a bundle that breaks the contract: the build
// fails (it stops in loadContent, before bundling) and says which file and which field.

const RUN = 'projects/bkk-cold-chain/runs/2026-11-24/run_01jeb3n5p7r9t1v3x5z7b9d1f3';
const siteDir = path.join(SITE_DIR, '.test-sites', `invalid-${process.pid}`);

afterAll(async () => {
  await rm(siteDir, { recursive: true, force: true });
});

async function build(
  onInvalidBundle: 'throw' | 'warn' = 'throw',
): Promise<{ code: number | null; output: string }> {
  await writeFile(
    path.join(siteDir, 'docusaurus.config.js'),
    `module.exports = ${JSON.stringify({
      title: 'invalid',
      url: 'http://127.0.0.1',
      baseUrl: '/',
      onBrokenLinks: 'throw',
      future: { v4: true },
      presets: [['classic', { docs: false, blog: false }]],
      plugins: [['@fieldops/docusaurus-plugin-runs', { path: 'kb', onInvalidBundle }]],
    })};\n`,
  );
  const bin = path.join(SITE_DIR, 'node_modules/@docusaurus/core/bin/docusaurus.mjs');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'build', '--out-dir', path.join(siteDir, 'build')], {
      cwd: siteDir,
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('docusaurus build with an invalid bundle', () => {
  // ('warn' skips the bundle instead: covered by the plugin's loadRuns tests, without a full build.)
  it('fails naming the file and the field', async () => {
    await rm(siteDir, { recursive: true, force: true });
    await mkdir(path.join(siteDir, 'src/pages'), { recursive: true });
    await writeFile(
      path.join(siteDir, 'package.json'),
      JSON.stringify({ name: 'invalid-site', private: true }),
    );
    await writeFile(path.join(siteDir, 'src/pages/index.md'), '# invalid\n');
    await cp(path.join(SITE_DIR, 'kb', RUN), path.join(siteDir, 'kb', RUN), { recursive: true });
    const runJson = path.join(siteDir, 'kb', RUN, 'run.json');
    const bundle = JSON.parse(await readFile(runJson, 'utf8'));
    bundle.run.steps[3].status = 'exploded';
    await writeFile(runJson, JSON.stringify(bundle));

    const failed = await build();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain(`invalid run bundle ${runJson}: kb.v1.RunBundle: run.steps[3].status:`);

    const warned = await build('warn');
    expect(warned.code, warned.output).toBe(0);
    expect(warned.output).toContain(
      `[WARNING] @fieldops/docusaurus-plugin-runs: invalid run bundle ${runJson}`,
    );
  }, 240_000);
});
