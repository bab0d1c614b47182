import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/notify',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real SMTP child processes and loopback sockets on a busy 2-core CI machine: generous limits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
