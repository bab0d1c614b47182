// Copies the theme's CSS modules next to the compiled components (tsc only emits JS).
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const from = path.resolve(import.meta.dirname, '../src/theme');
const to = path.resolve(import.meta.dirname, '../lib/theme');

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (name.endsWith('.css')) cpSync(file, path.join(to, path.relative(from, file)));
  }
}
walk(from);
