import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Neo4j-backed suites share one server; run files one at a time on 2 cores.
    fileParallelism: false,
  },
});
