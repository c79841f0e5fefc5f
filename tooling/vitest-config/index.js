import { defineConfig } from 'vitest/config';

/**
 * Tests live in test/ beside src/. Forks, not threads: the tfjs wasm heap and its kernel
 * registry are per process, so each test file gets a clean engine. Timeouts are generous: `pnpm check`
 * runs every package's tests at once on 2 cores, and a training test then takes minutes, not seconds.
 * @param {{ testTimeout?: number, lineThreshold?: number }} [options]
 */
export function forgeVitest(options = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.{ts,js}'],
      environment: 'node',
      pool: 'forks',
      passWithNoTests: true,
      testTimeout: options.testTimeout ?? 900_000,
      hookTimeout: 900_000,
      reporters: process.env.CI ? ['default'] : ['default'],
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
