import { defineConfig } from 'vitest/config';

// The website project: one real docusaurus build (~10 s) shared by the tests of test/site.test.ts,
// then chromium against it.
export default defineConfig({
  test: {
    name: '@fieldops/website',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
