import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fieldops/example-contract-tests',
    include: ['test/**/*.test.ts'],
    // Real gRPC over loopback on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
