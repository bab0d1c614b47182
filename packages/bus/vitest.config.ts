import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/bus',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real Postgres, nats-server and Mosquitto child processes on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Server-backed files each start their own servers; running them one at a time keeps CPU sane.
    fileParallelism: false,
  },
});
