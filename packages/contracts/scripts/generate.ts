// `pnpm generate`: writes JSON Schema, OpenAPI 3.1, openapi-typescript `paths` types and the AsyncAPI
// document from the zod schemas, removes generated files that no longer have a source, and
// validates the OpenAPI documents. CI runs it and fails on any diff (`git diff --exit-code`).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGeneratedFiles } from './lib/render.js';
import { validateOpenApiFiles } from './lib/validate-openapi.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

async function main(): Promise<void> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const files = await renderGeneratedFiles(pkg.version);
  let written = 0;
  for (const [rel, content] of files) {
    const path = join(root, rel);
    const before = await readFile(path, 'utf8').catch(() => undefined);
    if (before === content) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    written++;
  }
  let removed = 0;
  for (const dir of ['generated', 'src/generated']) {
    for (const file of await listFiles(join(root, dir))) {
      if (!files.has(relative(root, file))) {
        await rm(file);
        removed++;
      }
    }
  }
  const problems = await validateOpenApiFiles(
    [...files.keys()].filter((f) => f.startsWith('generated/openapi/')).map((f) => join(root, f)),
  );
  console.log(`generate: ${files.size} files (${written} written, ${removed} removed)`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

await main();
