// `pnpm contracts:baseline`: records the generated documents as the baseline of a release. Run it when
// a version of @fieldops/contracts is published (the changeset release), never to silence the gate.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGeneratedFiles, stableJson } from './lib/render.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const baseline = join(root, 'baseline');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
const files = await renderGeneratedFiles(pkg.version);
await rm(baseline, { recursive: true, force: true });
let count = 0;
for (const [rel, content] of files) {
  if (!rel.startsWith('generated/') || rel === 'generated/index.json') continue;
  const path = join(baseline, rel.slice('generated/'.length));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  count++;
}
await writeFile(join(baseline, 'manifest.json'), stableJson({ version: pkg.version, documents: count }));
console.log(`contracts:baseline: ${count} documents recorded as the baseline of ${pkg.version}`);
