// Declarations come from tsc, not tsup's bundled .d.ts: rollup-plugin-dts loses the value half of a
// name that is both a schema and a type inside `export * as ns` (so `rfid.EventBatch.parse` failed to
// typecheck from the root entry). tsc emits one .d.ts per source file; each is copied to .d.cts with
// relative specifiers pointing at .cjs, so `require` consumers get CJS-typed declarations.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.d.ts')) yield p;
  }
}

let count = 0;
for await (const file of walk(join(root, 'dist'))) {
  const text = await readFile(file, 'utf8');
  const cts = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
  await writeFile(file.replace(/\.d\.ts$/, '.d.cts'), cts);
  count++;
}
console.log(`types: ${count} declaration files (.d.ts + .d.cts)`);
