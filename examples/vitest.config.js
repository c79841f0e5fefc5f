import { defineConfig } from 'vitest/config';

// The examples are whole programs, run as child processes: at most two at a time (CI has 2 cores),
// and one test file after the other so the notebook runs never overlap the script runs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.js'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    maxConcurrency: 2,
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
