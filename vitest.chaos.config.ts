import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the crash, fault, fuzz and forgery suites. One file
 * at a time (they start real servers and processes on a 2-core machine);
 * each records rows, and the global teardown writes docs/chaos-results.md.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    globalSetup: ['test/chaos/global-setup.ts'],
  },
});
