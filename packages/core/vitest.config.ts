import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/core',
    include: ['src/**/*.test.ts'],
  },
});
