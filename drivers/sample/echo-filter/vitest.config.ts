import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The runtime is a per-thread singleton that the harness resets, so files can share one
    // worker: starting a worker per file costs far more than the tests.
    isolate: false,
    testTimeout: 20_000,
  },
});
