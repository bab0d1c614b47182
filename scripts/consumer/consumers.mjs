// The consumer projects of the packed tarballs (called by install-weight.mjs): fresh ESM, CommonJS,
// TypeScript `node16` and TypeScript `bundler` projects outside the workspace.
// - ESM: every ```js block of every package README runs, unchanged, as `example-N.mjs`; the ```ts
//   blocks marked runnable (a `// runnable` first line) run after type-stripping by tsc.
// - CommonJS: `require()` of every entry of every package's exports map returns its exports.
// - TS node16 and bundler: every ```ts block of every package README type-checks against the
//   installed packages (names a snippet leaves to the reader, "cannot find name", are allowed).
// The READMEs read are those of every package a service installs (README_PACKAGES); the Docusaurus
// plugin's README is checked by the Docusaurus site scenario, the CLI's has no code blocks.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Packages whose every exports entry is required from CommonJS (the others' entries need optional peers).
const PACKAGES = ['core', 'contracts', 'sdk', 'notify'];
// Packages whose README examples run (```js, ```ts marked `// runnable`) and type-check.
const README_PACKAGES = [...PACKAGES, 'bus', 'fleet', 'cockpit', 'agent'];
// "Cannot find name" (the reader's own event, backend, …): a snippet may leave those to the reader.
// TS18004 is the same error for a shorthand property (`{ config }` with the reader's `config`).
const ALLOWED = ['TS2304', 'TS2552', 'TS18004'];

function blocks(file, lang) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].filter((m) => m[1] === lang).map((m) => m[2]);
}

/** Runs the consumer scenarios; `check(ok, what)` records each outcome. */
export function runConsumers({ tarballs, root, run, npmProject, check }) {
  const fail = check;
  const installs = [
    tarballs['@fieldops/core'],
    tarballs['@fieldops/contracts'],
    tarballs['@fieldops/sdk'],
    tarballs['@fieldops/bus'],
    tarballs['@fieldops/notify'],
    'msw@^2',
    'handlebars@^4.7.10',
  ];
  // What the service packages' READMEs import (agent brings its MQTT, NATS and PGlite clients).
  const services = [
    tarballs['@fieldops/fleet'],
    tarballs['@fieldops/cockpit'],
    tarballs['@fieldops/agent'],
    '@electric-sql/pglite@^0.5.17',
  ];
  const readmes = README_PACKAGES.map((p) => ({ pkg: p, file: join(root, 'packages', p, 'README.md') }));

  // ESM: every js block runs unchanged.
  const esm = npmProject('consumer-esm', [...installs, ...services, 'typescript@5.9.3'], 'module');
  let n = 0;
  for (const { pkg, file } of readmes) {
    for (const code of blocks(file, 'js')) {
      const name = `example-${++n}.mjs`;
      writeFileSync(join(esm, name), code);
      const r = run('node', [name], esm);
      fail(r.code === 0, `ESM: ${pkg} README js example ${name} runs${r.code === 0 ? '' : `\n${r.out}`}`);
    }
    for (const code of blocks(file, 'ts').filter((c) => c.startsWith('// runnable'))) {
      const name = `example-${++n}`;
      writeFileSync(join(esm, `${name}.ts`), code);
      const tsc = run(
        'npx',
        ['--no-install', 'tsc', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', `${name}.ts`],
        esm,
      );
      const r = tsc.code === 0 ? run('node', [`${name}.js`], esm) : tsc;
      fail(
        r.code === 0,
        `ESM: ${pkg} README ts example ${name} compiles and runs${r.code === 0 ? '' : `\n${r.out}`}`,
      );
    }
  }

  // CommonJS: require() every entry.
  const cjs = npmProject('consumer-cjs', installs, 'commonjs');
  for (const pkg of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
    for (const [sub, target] of Object.entries(manifest.exports ?? {})) {
      if (sub.includes('*')) continue;
      if (typeof target !== 'object' || !target.require) continue;
      const spec = `${manifest.name}${sub.slice(1)}`;
      // The ChirpStack entry needs its optional gRPC peers (checked by install-weight.mjs).
      if (spec === '@fieldops/sdk/chirpstack' || spec === '@fieldops/sdk/testing/chirpstack') continue;
      const r = run(
        'node',
        [
          '-e',
          `const m = require(${JSON.stringify(spec)}); if (Object.keys(m).length === 0) process.exit(3)`,
        ],
        cjs,
      );
      fail(r.code === 0, `CommonJS: require(${JSON.stringify(spec)})${r.code === 0 ? '' : `\n${r.out}`}`);
    }
  }

  // TypeScript node16 and bundler: every ts block type-checks.
  for (const [resolution, module] of [
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ]) {
    const dir = npmProject(
      `consumer-ts-${resolution}`,
      [...installs, ...services, 'typescript@5.9.3', '@types/node@^20'],
      'module',
    );
    const files = [];
    let i = 0;
    for (const { pkg, file } of readmes) {
      for (const code of blocks(file, 'ts')) {
        const name = `${pkg}-${++i}.ts`;
        writeFileSync(join(dir, name), `${code}\nexport {};\n`);
        files.push(name);
      }
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution: resolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files,
      }),
    );
    const r = run('npx', ['--no-install', 'tsc', '-p', '.', '--pretty', 'false'], dir);
    const errors = r.out
      .split('\n')
      .filter((l) => /error TS\d+/.test(l) && !ALLOWED.some((a) => l.includes(a)));
    fail(
      errors.length === 0,
      `TS ${resolution}: ${files.length} README ts snippets type-check${errors.length ? `\n${errors.join('\n')}` : ''}`,
    );
  }
}
