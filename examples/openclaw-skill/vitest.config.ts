import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/openclaw-skill',
    include: ['test/**/*.test.ts'],
    // The tests start the script in a child process (tsx) on a busy CI machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
