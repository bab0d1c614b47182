#!/usr/bin/env node
// What a user installing from the registry gets: packs every publishable package (`pnpm pack`, so
// `workspace:` ranges become versions), installs the tarballs into fresh npm and pnpm projects in a
// temp dir outside the workspace, and prints the table (scenario, packages, MB). Exits 1 when a limit
// of issue 12 is broken: RFID client only ≤ 10 packages and ≤ 15 MB; pnpm 12 installs it with exit 0
// and no build approvals; the ChirpStack entry without its gRPC peers fails at once naming them; the
// HTTP test kits load with no gRPC installed. Then runs the consumer projects (consumers.mjs) and a
// fresh Docusaurus site that builds with the packed plugin (docusaurus-site.mjs).
//   node scripts/consumer/install-weight.mjs [--keep]   (--keep leaves the temp dir for a look)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConsumers } from './consumers.mjs';
import { runDocusaurusSite } from './docusaurus-site.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const LIMITS = { packages: 10, mb: 15 };
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'fieldops-consumer-'));
const failures = [];

// Every command's time limit unless the caller gives its own (a Docusaurus install or build needs more
// on a loaded CI machine: see docusaurus-site.mjs).
const TIMEOUT_MS = 600_000;

/** Runs a command to its end; a timeout or a signal is reported in `out` (the exit code is then 1). */
function run(cmd, args, cwd, env = {}, { timeoutMs = TIMEOUT_MS } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const killed =
    r.error?.code === 'ETIMEDOUT'
      ? `\n${cmd} ${args.join(' ')}: killed after the ${timeoutMs / 1000} s time limit`
      : r.signal
        ? `\n${cmd} ${args.join(' ')}: killed by ${r.signal}`
        : r.error
          ? `\n${cmd} ${args.join(' ')}: ${r.error.message}`
          : '';
  return {
    code: r.status ?? 1,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${killed}`,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
  };
}

function must(result, what) {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.out}`);
  return result;
}

/** Packs each publishable package into `<work>/tarballs`; returns name -> tarball path. */
function pack() {
  const dest = join(work, 'tarballs');
  mkdirSync(dest, { recursive: true });
  const tarballs = {};
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    const cwd = join(ROOT, 'packages', dir);
    const before = new Set(readdirSync(dest));
    // The CI build ran just before; prepack would build again (see scripts/prepack.mjs).
    must(
      run('pnpm', ['pack', '--pack-destination', dest], cwd, { FIELDOPS_SKIP_PREPACK: '1' }),
      `pnpm pack ${dir}`,
    );
    const file = readdirSync(dest).find((f) => !before.has(f));
    const { name } = JSON.parse(run('node', ['-p', 'JSON.stringify(require("./package.json"))'], cwd).stdout);
    tarballs[name] = join(dest, file);
  }
  return tarballs;
}

/** Counts installed packages (every folder with a package.json under node_modules, nested included). */
function countPackages(nodeModules) {
  let n = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      if (e.name.startsWith('@')) {
        walk(join(dir, e.name));
        continue;
      }
      const pkgDir = join(dir, e.name);
      try {
        statSync(join(pkgDir, 'package.json'));
        n += 1;
      } catch {}
      walk(join(pkgDir, 'node_modules'));
    }
  };
  walk(nodeModules);
  return n;
}

/** Bytes on disk under `dir` (files only, symlinks not followed). */
function bytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath ?? e.path, e.name)).size;
  }
  return total;
}

/** A fresh npm project with `deps` (tarball paths or registry specs) installed. */
function npmProject(name, deps, type = 'module', { timeoutMs = TIMEOUT_MS } = {}) {
  const cwd = join(work, name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(
    join(cwd, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type }, null, 2),
  );
  must(
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], cwd, {}, { timeoutMs }),
    `npm install (${name})`,
  );
  return cwd;
}

const rows = [];
function measure(scenario, cwd) {
  const nm = join(cwd, 'node_modules');
  // pnpm: one folder per package under node_modules/.pnpm (the top level holds symlinks).
  const store = join(nm, '.pnpm');
  const isPnpm = readdirSync(nm).includes('.pnpm');
  const packages = isPnpm
    ? readdirSync(store, { withFileTypes: true }).filter(
        (e) => e.isDirectory() && e.name.includes('@') && e.name !== 'node_modules',
      ).length
    : countPackages(nm);
  const row = { scenario, packages, mb: bytes(isPnpm ? store : nm) / 1e6 };
  rows.push(row);
  return row;
}

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

try {
  console.log(`fieldops consumer install check in ${work}`);
  const t = pack();
  const base = [t['@fieldops/contracts'], t['@fieldops/core'], t['@fieldops/sdk']];

  // 1. RFID client only, npm.
  const rfid = npmProject('rfid-npm', base);
  const w = measure('RFID client (npm: contracts + core + sdk)', rfid);
  check(w.packages <= LIMITS.packages, `RFID client: ${w.packages} packages ≤ ${LIMITS.packages}`);
  check(w.mb <= LIMITS.mb, `RFID client: ${w.mb.toFixed(1)} MB ≤ ${LIMITS.mb} MB`);
  const load = run(
    'node',
    [
      '--input-type=module',
      '-e',
      "const m = await import('@fieldops/sdk/rfid'); console.log(typeof m.createRfidClient)",
    ],
    rfid,
  );
  check(load.code === 0 && load.stdout.trim() === 'function', '@fieldops/sdk/rfid loads');

  // 2. The ChirpStack entry without its peers fails at once, naming all three.
  const cs = run('node', ['--input-type=module', '-e', "await import('@fieldops/sdk/chirpstack')"], rfid);
  const named = ['@grpc/grpc-js', '@chirpstack/chirpstack-api', 'google-protobuf'].every((p) =>
    cs.stderr.includes(p),
  );
  check(
    cs.code !== 0 && named && cs.stderr.includes('npm install'),
    'ChirpStack entry without gRPC peers: one error naming the packages to install',
  );
  const csCjs = run('node', ['-e', "require('@fieldops/sdk/chirpstack')"], rfid);
  check(
    csCjs.code !== 0 && csCjs.stderr.includes('@grpc/grpc-js'),
    'ChirpStack entry (CommonJS) without peers: the same error',
  );

  // 3. The HTTP test kits with msw and no gRPC.
  const kits = npmProject('testing-kits-npm', [...base, 'msw@^2']);
  measure('HTTP test kits (npm: + msw)', kits);
  const kitLoad = run(
    'node',
    [
      '--input-type=module',
      '-e',
      "const m = await import('@fieldops/sdk/testing'); console.log(typeof m.createRfidMswKit)",
    ],
    kits,
  );
  check(
    kitLoad.code === 0 && kitLoad.stdout.trim() === 'function',
    '@fieldops/sdk/testing loads with no gRPC installed',
  );

  // 4. ChirpStack with its peers.
  const chirp = npmProject('chirpstack-npm', [
    ...base,
    '@grpc/grpc-js@^1.14.7',
    '@chirpstack/chirpstack-api@4.19.0',
    'google-protobuf@3.21.4',
    'handlebars@^4.7.10',
    'smol-toml@^1.9.1',
  ]);
  measure('ChirpStack client (npm: + gRPC peers, handlebars, smol-toml)', chirp);
  const csOk = run(
    'node',
    [
      '--input-type=module',
      '-e',
      "const m = await import('@fieldops/sdk/chirpstack'); console.log(typeof m.createChirpStackClient)",
    ],
    chirp,
  );
  check(
    csOk.code === 0 && csOk.stdout.trim() === 'function',
    '@fieldops/sdk/chirpstack loads with its peers',
  );

  // 5. notify, and the CLI.
  const notify = npmProject('notify-npm', [
    t['@fieldops/contracts'],
    t['@fieldops/core'],
    t['@fieldops/bus'],
    t['@fieldops/notify'],
  ]);
  measure('notify (npm)', notify);
  if (t['@fieldops/cli']) {
    // The bin registers `fieldops fleet diff` from @fieldops/fleet (which brings @fieldops/bus).
    const cli = npmProject('cli-npm', [
      ...base,
      t['@fieldops/bus'],
      t['@fieldops/fleet'],
      t['@fieldops/cli'],
    ]);
    measure('CLI (npm: @fieldops/cli)', cli);
    const version = run('npx', ['--no-install', 'fieldops', '--version'], cli);
    check(
      version.code === 0 && /\d+\.\d+\.\d+/.test(version.stdout),
      `fieldops --version prints ${version.stdout.trim()}`,
    );
    const fleet = run('npx', ['--no-install', 'fieldops', 'fleet', 'diff', '--help'], cli);
    check(
      fleet.code === 0 && fleet.stdout.includes('fieldops fleet diff'),
      'fieldops fleet diff --help (registered by the bin)',
    );
  }

  // 6. pnpm 12: the RFID install exits 0 and asks for no build approvals.
  const pnpmDir = join(work, 'rfid-pnpm');
  mkdirSync(pnpmDir);
  const deps = Object.fromEntries(
    ['@fieldops/contracts', '@fieldops/core', '@fieldops/sdk'].map((n) => [n, `file:${t[n]}`]),
  );
  writeFileSync(
    join(pnpmDir, 'package.json'),
    JSON.stringify({ name: 'rfid-pnpm', private: true, type: 'module', dependencies: deps }, null, 2),
  );
  // Not on the registry yet: the sdk's own dependencies on contracts and core come from the tarballs too.
  writeFileSync(
    join(pnpmDir, 'pnpm-workspace.yaml'),
    `overrides:\n${Object.entries(deps)
      .map(([n, v]) => `  '${n}': '${v}'`)
      .join('\n')}\n`,
  );
  const pnpmInstall = run('pnpm', ['install', '--config.node-linker=isolated'], pnpmDir);
  check(
    pnpmInstall.code === 0 && !/IGNORED_BUILDS|approve-builds/i.test(pnpmInstall.out),
    `pnpm ${run('pnpm', ['--version'], pnpmDir).stdout.trim()} install of the RFID client: exit ${pnpmInstall.code}, no build approvals`,
  );
  if (pnpmInstall.code !== 0) console.log(pnpmInstall.out);
  else measure('RFID client (pnpm)', pnpmDir);

  console.log('\n| scenario | packages | MB |\n| --- | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.scenario} | ${r.packages} | ${r.mb.toFixed(1)} |`);
  console.log();

  runConsumers({ tarballs: t, root: ROOT, run, npmProject, check });
  runDocusaurusSite({ tarballs: t, root: ROOT, run, npmProject, check });
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\n${failures.length} consumer check(s) failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('all consumer checks passed');
