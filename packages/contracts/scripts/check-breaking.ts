// `pnpm contracts:check`: the breaking-change gate. Compares the documents the schemas generate now
// with the committed baseline of the last release (baseline/): JSON Schema of every contract and the
// AsyncAPI event catalog with our own checker (lib/schema-diff.ts), the OpenAPI documents with
// Optic (`optic diff --check`, offline). Exit 1 with a readable report on any breaking change.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderGeneratedFiles } from './lib/render.js';
import { diffAsyncApi, diffJsonSchemas, type SchemaChange } from './lib/schema-diff.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

function findOptic(): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'optic');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir)
      throw new Error('contracts:check: the optic binary is not installed (pnpm install)');
  }
}

/** Runs Optic on one OpenAPI pair; returns its report when it finds a breaking change. */
function opticCheck(
  baselinePath: string,
  currentPath: string,
  cwd: string,
): { breaking: boolean; output: string } {
  // cwd: with CI set, Optic writes ci-run-details.json into its working directory.
  const result = spawnSync(findOptic(), ['diff', baselinePath, currentPath, '--check'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, OPTIC_TELEMETRY_LEVEL: 'off', CI: 'true' },
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw new Error(`contracts:check: optic failed to run: ${result.error.message}`);
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`contracts:check: optic exited with ${result.status}:\n${output}`);
  }
  return { breaking: result.status === 1, output };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { baseline: { type: 'string' }, json: { type: 'boolean' } },
  });
  const baselineDir = values.baseline ?? join(root, 'baseline');
  const manifest = JSON.parse(await readFile(join(baselineDir, 'manifest.json'), 'utf8')) as {
    version: string;
  };
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const current = await renderGeneratedFiles(pkg.version);
  const changes: SchemaChange[] = [];
  const opticReports: string[] = [];
  const tmp = await mkdtemp(join(tmpdir(), 'fieldops-contracts-check-'));
  try {
    for (const file of await walk(baselineDir)) {
      const rel = relative(baselineDir, file);
      if (rel === 'manifest.json') continue;
      const label = rel.replace(/\.schema\.json$|\.json$/, '');
      const now = current.get(`generated/${rel}`);
      if (now === undefined) {
        changes.push({
          breaking: true,
          where: label,
          message: 'document removed (a published contract disappeared)',
        });
        continue;
      }
      const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      const after = JSON.parse(now) as Record<string, unknown>;
      if (rel.startsWith('openapi/')) {
        const currentPath = join(tmp, rel.replace(/\//g, '_'));
        await writeFile(currentPath, now);
        const { breaking, output } = opticCheck(file, currentPath, tmp);
        if (breaking) {
          const unreadable = /invalid openapi/i.test(output);
          changes.push({
            breaking: true,
            where: label,
            message: unreadable
              ? 'Optic could not read a document (report below)'
              : 'Optic found breaking changes (report below)',
          });
          opticReports.push(`--- ${label} (optic) ---\n${output.trim()}`);
        }
        // Optic reads request/response bodies; our checker also reads every component schema.
        const comps = (d: Record<string, unknown>) =>
          ((d.components as Record<string, unknown> | undefined)?.schemas ?? {}) as Record<
            string,
            Record<string, unknown>
          >;
        for (const [name, schema] of Object.entries(comps(before))) {
          const next = comps(after)[name];
          if (!next) continue; // a component no longer referenced is not breaking by itself
          changes.push(
            ...diffJsonSchemas({ ...before, ...schema }, { ...after, ...next }, `${label}#${name}`).filter(
              (c) => c.breaking,
            ),
          );
        }
      } else if (rel.startsWith('asyncapi/')) {
        changes.push(...diffAsyncApi(before, after, label));
      } else {
        changes.push(...diffJsonSchemas(before, after, label));
      }
    }
    // A document the baseline does not have is a new contract, a new version of one (rfid.v2 beside
    // rfid.v1) or a new schema: nothing published can break, and it is guarded from the next baseline on.
    const published = new Set((await walk(baselineDir)).map((f) => `generated/${relative(baselineDir, f)}`));
    for (const rel of [...current.keys()].sort()) {
      if (!rel.startsWith('generated/') || !rel.endsWith('.json') || published.has(rel)) continue;
      if (rel === 'generated/index.json' || rel === 'generated/versions.json') continue;
      changes.push({
        breaking: false,
        where: rel.slice('generated/'.length).replace(/\.schema\.json$|\.json$/, ''),
        message: 'new document (not in the baseline yet: guarded from the next release on)',
      });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const breaking = changes.filter((c) => c.breaking);
  const compatible = changes.filter((c) => !c.breaking);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ baseline: manifest.version, breaking, compatible }, null, 2)}\n`,
    );
  } else {
    console.log(`contracts:check against the baseline of @fieldops/contracts ${manifest.version}`);
    if (compatible.length) {
      console.log(`\n${compatible.length} compatible change(s):`);
      for (const c of compatible) console.log(`  + ${c.where.replace(/:$/, '')}: ${c.message}`);
    }
    if (breaking.length) {
      console.log(`\n${breaking.length} BREAKING change(s) to a published contract version:`);
      for (const c of breaking) console.log(`  x ${c.where.replace(/:$/, '')}: ${c.message}`);
      for (const r of opticReports) console.log(`\n${r}`);
      console.log(
        '\nA published version never changes incompatibly: revert, make the change compatible (optional field,\n' +
          'wider type), or add a new version beside the old one (src/<point>/v2.ts). See docs/decisions/0003-contract-versioning.md and 0026-contract-versions-side-by-side.md.',
      );
    } else {
      console.log('\nno breaking changes');
    }
  }
  return breaking.length ? 1 : 0;
}

process.exitCode = await main();
