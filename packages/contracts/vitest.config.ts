import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/contracts',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
