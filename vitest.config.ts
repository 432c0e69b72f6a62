import { defineConfig } from 'vitest/config';

// vitest proves what SQL alone cannot: real parallel connections, killed workers, stale completions,
// dedup races. The machine has 2 cores and every file talks to one database, so files run one at a
// time; soak files get a generous per-test budget (each is designed to finish well under 2 minutes).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    // Merges plpgsql_check's profiler counters after each file when npm test measures coverage.
    setupFiles: ['tests/support/coverage-setup.ts'],
    fileParallelism: false,
    watch: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
