#!/usr/bin/env node
// After `changeset version`: SKILL.md of the OpenClaw skill names its package's new version, in its
// `version:` line and in the exact version its node install spec asks OpenClaw to install (OpenClaw
// takes no ranges; decision 0045). Run by `pnpm version-packages`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../../examples/openclaw-skill');
const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const file = join(dir, 'SKILL.md');
const before = readFileSync(file, 'utf8');
const after = before
  .replace(/^version: .*$/m, `version: ${version}`)
  .replace(new RegExp(`"package": "${name}@[^"]*"`), `"package": "${name}@${version}"`);
if (after !== before) writeFileSync(file, after);
console.log(`SKILL.md: ${name}@${version}`);
