import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run when a process a test started outlives it.
    globalSetup: ['test/support/noLeftoverProcesses.ts'],
    // Harness tests run real child processes and shrink counterexamples.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The suite is CPU-bound (harness runs); vitest's default leaves one of two cores idle.
    maxWorkers: 2,
  },
});
