import { defineConfig } from 'vitest/config';

/**
 * Tests live in test/ beside src/. Forks, not threads: the tfjs wasm heap and its kernel
 * registry are per process, so each test file gets a clean engine.
 *
 * No wall-clock timeouts (0 = none, for tests and hooks): a training test's duration depends on what
 * else the machine runs, and a limit an idle machine meets is one a busy machine trips (a 30-minute hook
 * limit failed the end-to-end test while turbo ran core's suite beside it). A test that hangs is stopped
 * by CI's job limit instead. A package must have tests: `passWithNoTests` is off.
 * @param {{ lineThreshold?: number }} [options]
 */
export function forgeVitest(options = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.{ts,js}'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 0,
      hookTimeout: 0,
      reporters: ['default'],
      // `vitest run --coverage` (the `test` script of every package) fails below 90% of lines: the
      // project's quality gate, per package. Benches, examples and generated files are not product code.
      coverage: {
        provider: 'v8',
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.d.ts'],
        reporter: ['text-summary', 'json-summary'],
        reportsDirectory: 'coverage',
        thresholds: { lines: options.lineThreshold ?? 90 },
      },
    },
  });
}
