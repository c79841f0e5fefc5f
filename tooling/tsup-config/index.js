import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM with .d.ts for Node 20, one file per entry,
 * dependencies left external (tsup's default for everything in package.json).
 * @param {{ entry?: Record<string, string> | string[] }} [options]
 */
export function forgeTsup(options = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    // Declarations only: the types are checked once, by each package's `typecheck` task (tsc --noEmit over
    // src and test), not a second time here; noCheck keeps the emitted .d.ts identical.
    dts: { compilerOptions: { noCheck: true } },
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
  });
}
