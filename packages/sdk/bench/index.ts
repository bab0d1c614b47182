// `pnpm bench` for @fieldops/sdk: runs every `*.bench.ts` module in this folder (each area adds its
// own file), or only those whose name contains one of the arguments: `tsx bench/index.ts spool`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

for (const file of modules) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { default?: () => Promise<void> };
  if (typeof mod.default !== 'function') continue;
  console.log(`\n=== @fieldops/sdk bench: ${file} ===`);
  await mod.default();
}
