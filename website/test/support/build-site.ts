import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { generateContractDocs } from '../../scripts/generate-contract-docs.mts';

/** The website directory. */
export const SITE_DIR = path.resolve(import.meta.dirname, '../..');

/**
 * Runs a real `docusaurus build` of the website into `outDir` (contract pages generated first). With
 * `testFixtures`, the hostile fixture bundles are added as a second plugin instance under /test-runs.
 */
export async function buildSite(outDir: string, options: { testFixtures?: boolean } = {}): Promise<string> {
  await generateContractDocs();
  const bin = createRequire(path.join(SITE_DIR, 'package.json')).resolve(
    '@docusaurus/core/bin/docusaurus.mjs',
  );
  const env = { ...process.env, FIELDOPS_KB_TEST_FIXTURES: options.testFixtures ? '1' : '0' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--out-dir', outDir], { cwd: SITE_DIR, env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`docusaurus build exited with ${code}:\n${output}`)),
    );
  });
}
