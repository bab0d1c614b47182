import { defineConfig } from 'vitest/config';

// One vitest run for the whole workspace; each package is a project so filters and
// per-package settings stay local. Workspace packages resolve through their built
// `dist`, so `pnpm test` builds first.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*/vitest.config.ts', 'website'],
    passWithNoTests: false,
  },
});
