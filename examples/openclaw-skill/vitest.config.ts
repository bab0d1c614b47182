import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/openclaw-skill',
    include: ['test/**/*.test.ts'],
    // The tests start the script in a child process (tsx) and run deploys against the sandbox on a busy
    // machine: at load 20-30 the in-process dry run took 72-111 s (s5), so the limit is generous.
    testTimeout: 300_000,
    hookTimeout: 30_000,
  },
});
