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
    // No wall-clock limits (0 = none): a busy machine must not fail a run; CI's job limit stops a hang.
    testTimeout: 0,
    hookTimeout: 0,
  },
});
