import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/example-demo',
    include: ['test/**/*.test.ts'],
    // The type checker loads every package's declarations.
    testTimeout: 60_000,
  },
});
