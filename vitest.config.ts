import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Two cores: suites that open many connections must not compete with each other.
    fileParallelism: false,
  },
});
