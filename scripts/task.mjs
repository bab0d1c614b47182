#!/usr/bin/env node
// Runs a workspace task with nothing but Node and npm on the machine: `npm test`, `npm run demo`.
// It brings pnpm (the version package.json pins, through npx when it is not on the PATH), installs
// the locked dependencies, builds, then runs the task. The same scripts work as `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PNPM = pkg.packageManager; // "pnpm@12.4.2"
const PNPM_VERSION = PNPM.split('@')[1];

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, shell: false, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  return ['npx', ['-y', PNPM]];
}

const [pnpmBin, pnpmPrefix] = pnpmCommand();
const pnpm = (...args) => run(pnpmBin, [...pnpmPrefix, ...args]);
const must = (code, what) => {
  if (code !== 0) {
    console.error(`\n${what} failed (exit ${code})`);
    process.exit(code);
  }
};

const [task, ...rest] = process.argv.slice(2);

// Install (a no-op taking a second when node_modules is current), then build the packages.
must(pnpm('install', '--frozen-lockfile', ...(process.env.CI ? [] : ['--prefer-offline'])), 'pnpm install');
must(pnpm('run', 'build'), 'build');

if (task === 'test') {
  const report = join(root, 'test-artifacts', 'vitest.json');
  const code = pnpm(
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...rest,
  );
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    // A closing line any CI can read.
    console.log(
      `\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
    );
  }
  process.exit(code);
} else if (task === 'demo') {
  process.exit(pnpm('run', 'demo:run', ...rest));
} else {
  console.error(`usage: node scripts/task.mjs test|demo [args]`);
  process.exit(2);
}
