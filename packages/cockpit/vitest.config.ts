import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/cockpit',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
