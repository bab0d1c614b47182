// The Docusaurus site scenario (called by install-weight.mjs): a fresh Docusaurus 3 site outside the
// workspace installs the packed plugin (and contracts) from the tarballs with npm — npm checks the
// plugin's peers (`@docusaurus/core`, `@docusaurus/theme-classic` ^3.10, React, zod) against what the
// site has — copies the repository's sample KB (website/kb), builds, and finds a page per run in the
// output. The plugin README's ```ts blocks type-check there too (against @docusaurus/types).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG = `// A site as create-docusaurus makes it (classic preset), plus the runs plugin.
export default {
  title: 'consumer KB',
  url: 'https://kb.example.com',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  presets: [['classic', { docs: false, blog: false }]],
  plugins: [['@fieldops/docusaurus-plugin-runs', { path: 'kb', routeBasePath: 'runs', onInvalidBundle: 'throw' }]],
};
`;

const HOME = `# consumer KB

The [automation runs](/runs) of this site's knowledge base.
`;

function blocks(file, lang) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].filter((m) => m[1] === lang).map((m) => m[2]);
}

// Docusaurus and its webpack toolchain are over a thousand packages: on a loaded CI machine with an
// empty npm cache the install alone took longer than the 10 minutes the other commands get.
const INSTALL_TIMEOUT_MS = 30 * 60_000;
const BUILD_TIMEOUT_MS = 20 * 60_000;

/** Part of runDocusaurusSite: a fresh site with the packed plugin installed; returns its folder. */
function installSite({ tarballs, npmProject }) {
  const site = npmProject(
    'docusaurus-site',
    [
      '@docusaurus/core@3.10.2',
      '@docusaurus/preset-classic@3.10.2',
      'react@^19',
      'react-dom@^19',
      tarballs['@fieldops/contracts'],
      tarballs['@fieldops/docusaurus-plugin-runs'],
      'zod@^4.6',
      'typescript@5.9.3',
    ],
    'module',
    { timeoutMs: INSTALL_TIMEOUT_MS },
  );
  // No "type" field, as create-docusaurus makes it: with "module" webpack parses Docusaurus's generated
  // registry (require.resolveWeak) as strict ESM, with "commonjs" its generated routes (import/export).
  const manifest = JSON.parse(readFileSync(join(site, 'package.json'), 'utf8'));
  delete manifest.type;
  writeFileSync(join(site, 'package.json'), JSON.stringify(manifest, null, 2));
  return site;
}

/** Runs the Docusaurus site scenario; `check(ok, what)` records each outcome. */
export function runDocusaurusSite({ tarballs, root, run, npmProject, check }) {
  let site;
  try {
    site = installSite({ tarballs, npmProject });
  } catch (error) {
    check(false, `Docusaurus site: ${error.message}`);
    return;
  }
  writeFileSync(join(site, 'docusaurus.config.mjs'), CONFIG);
  // A home page, as create-docusaurus makes one: the classic theme's navbar links every page to `/`,
  // and `onBrokenLinks: 'throw'` fails a site without it. Its link to the runs is checked too.
  mkdirSync(join(site, 'src/pages'), { recursive: true });
  writeFileSync(join(site, 'src/pages/index.md'), HOME);
  cpSync(join(root, 'website/kb'), join(site, 'kb'), { recursive: true });

  const build = run(
    'npx',
    ['--no-install', 'docusaurus', 'build'],
    site,
    {},
    { timeoutMs: BUILD_TIMEOUT_MS },
  );
  check(build.code === 0, `Docusaurus site: docusaurus build${build.code === 0 ? '' : `\n${build.out}`}`);
  if (build.code === 0) {
    // Every run of the sample KB has a page (the sample has fewer runs than the retention keeps).
    const runIds = readdirSync(join(root, 'website/kb/projects'), { recursive: true, encoding: 'utf8' })
      .map((p) => p.split('/').pop())
      .filter((n) => /^run_[0-9a-z]+$/.test(n));
    const html = (dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('index.html'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
    const out = existsSync(join(site, 'build/runs')) ? html(join(site, 'build/runs')) : '';
    const missing = runIds.filter((id) => !out.includes(id));
    check(
      runIds.length > 0 && missing.length === 0,
      `Docusaurus site: ${runIds.length - missing.length} of ${runIds.length} runs of the sample KB on the built pages${missing.length ? ` (missing ${missing.join(', ')})` : ''}`,
    );
  }

  const files = blocks(join(root, 'packages/docusaurus-plugin-runs/README.md'), 'ts').map((code, i) => {
    const name = `readme-${i + 1}.ts`;
    writeFileSync(join(site, name), `${code}\nexport {};\n`);
    return name;
  });
  writeFileSync(
    join(site, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      files,
    }),
  );
  const tsc = run('npx', ['--no-install', 'tsc', '-p', '.', '--pretty', 'false'], site);
  check(
    tsc.code === 0,
    `Docusaurus site: ${files.length} plugin README ts snippets type-check${tsc.code === 0 ? '' : `\n${tsc.out}`}`,
  );
}
