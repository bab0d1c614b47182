import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/example-rfid-backend',
    include: ['test/**/*.test.ts'],
    // Child processes and loopback servers on a busy CI machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
