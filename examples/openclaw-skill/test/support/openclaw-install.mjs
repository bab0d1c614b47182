// Runs OpenClaw's own skill-dependency installer on Node 24: `installSkill` from openclaw 2026.9.6
// (dist/install-BAmVwLk0.mjs:779, "src/skills/lifecycle/install.ts"), the function behind the Gateway's
// `skills.install` request (dist/skills-9I972nq_.mjs:1258). It finds the skill in the workspace, takes
// the install spec with the given id from its metadata, and for kind "node" runs
// `npm install -g --ignore-scripts <package>` (buildNodeInstallCommand, :333) with
// NPM_CONFIG_PREFIX=<state dir>/tools/node/npm (buildNodeInstallEnv, :372). Prints its result as JSON.
//
// Usage: node openclaw-install.mjs <openclaw package dir> <workspace dir> <skill name> <install id>
//
// As root, OpenClaw puts that prefix under /var/lib/openclaw instead of ~/.openclaw
// (resolveDefaultNodeInstallStateDir, :365-371). CI runs as root, so for that one function (and only
// there: OpenClaw's state database checks its files belong to the real uid) this runner answers
// getuid() as a user would, and the prefix stays under the test's HOME. Nothing else is changed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [openclaw, workspaceDir, skillName, installId] = process.argv.slice(2);
const getuid = process.getuid?.bind(process);
if (getuid?.() === 0) {
  process.getuid = () => (new Error().stack?.includes('resolveDefaultNodeInstallStateDir') ? 1000 : getuid());
}

/** The dist chunk that defines `fn` and the name it is exported under. */
async function findExport(fn) {
  const dist = join(openclaw, 'dist');
  for (const file of (await readdir(dist)).filter((f) => f.startsWith('install-') && f.endsWith('.mjs'))) {
    const text = await readFile(join(dist, file), 'utf8');
    if (!text.includes(`async function ${fn}(params)`)) continue;
    const exported = /export \{([^}]*)\}/.exec(text)?.[1] ?? '';
    const alias = exported
      .split(',')
      .map((s) => s.trim().split(/\s+as\s+/))
      .find(([local]) => local === fn)?.[1];
    if (alias) return (await import(pathToFileURL(join(dist, file)).href))[alias];
  }
  throw new Error(`openclaw: no dist chunk exports ${fn}`);
}

const installSkill = await findExport('installSkill');
const result = await installSkill({ workspaceDir, skillName, installId, config: {}, timeoutMs: 900_000 });
console.log(JSON.stringify(result));
