import { defineConfig } from 'vitest/config';

/**
 * Tests live in test/ beside src/. Forks, not threads: the tfjs wasm heap and its kernel
 * registry are per process, so each test file gets a clean engine.
 * @param {{ testTimeout?: number }} [options]
 */
export function forgeVitest(options = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.{ts,js}'],
      environment: 'node',
      pool: 'forks',
      passWithNoTests: true,
      testTimeout: options.testTimeout ?? 120_000,
      hookTimeout: 120_000,
      reporters: process.env.CI ? ['default'] : ['default'],
    },
  });
}
