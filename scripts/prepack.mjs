#!/usr/bin/env node
// `prepack` of every package: build it, so a tarball never ships a stale or missing dist.
// FIELDOPS_SKIP_PREPACK=1 skips the build when the caller has just built everything (CI's consumer step).
import { spawnSync } from 'node:child_process';

if (process.env.FIELDOPS_SKIP_PREPACK !== '1') {
  const r = spawnSync('pnpm', ['run', 'build'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
