import { configDefaults, defineConfig } from 'vitest/config';

const TEST_FILES = ['test/**/*.test.{ts,js}'];

/**
 * The projects of a shared-worker package: `isolatedFiles` and `e2eFiles` each file in a fresh process, the
 * rest in one worker. A project extending the root concatenates its include with the root's, so with
 * projects the root has none.
 * @param {string[]} isolatedFiles
 * @param {string[]} e2eFiles
 */
function testProjects(isolatedFiles, e2eFiles) {
  const project = (name, include, exclude, isolate) => ({
    extends: true,
    test: { name, include, exclude: [...configDefaults.exclude, ...exclude], isolate },
  });
  return [
    ...(isolatedFiles.length > 0 ? [project('fresh-process', isolatedFiles, e2eFiles, true)] : []),
    project('shared-worker', TEST_FILES, [...isolatedFiles, ...e2eFiles], false),
    ...(e2eFiles.length > 0 ? [project('end-to-end', e2eFiles, [], true)] : []),
  ];
}

/**
 * Tests live in test/ beside src/. Forks, not threads: the tfjs wasm heap and its kernel
 * registry are per process, so each test file gets a clean engine.
 *
 * No wall-clock timeouts (0 = none, for tests and hooks): a training test's duration depends on what
 * else the machine runs, and a limit an idle machine meets is one a busy machine trips (a 30-minute hook
 * limit failed the end-to-end test while turbo ran core's suite beside it). A test that hangs is stopped
 * by CI's job limit instead. A package must have tests: `passWithNoTests` is off.
 *
 * `isolate: false` runs a package's test files one after another in the same worker (vitest runs one
 * worker on 2 cores), so tfjs, its wasm backend and the package's sources are imported once per package
 * instead of once per file — in CI the per-file import was a third of the test time. Only for packages
 * whose files leave no state behind that another file depends on (backend choice, registered entries,
 * environment variables); a package that needs fresh state per file keeps the default. With
 * `isolate: false`, `isolatedFiles` (globs) still get a fresh process each: the files that test what
 * happens on a process's first backend initialisation, for instance.
 *
 * `e2eFiles` (globs, with `isolate: false`) form a project of their own, 'end-to-end', a fresh process
 * per file: the unit run selects the other projects (`vitest run --project fresh-process --project
 * shared-worker`) and `test:e2e` this one (`--project end-to-end`). A CLI `--exclude` does not reach
 * the projects, so the split is made here.
 * @param {{ lineThreshold?: number, isolate?: boolean, isolatedFiles?: string[], e2eFiles?: string[] }} [options]
 */
export function forgeVitest(options = {}) {
  const isolatedFiles = options.isolatedFiles ?? [];
  const e2eFiles = options.e2eFiles ?? [];
  const files =
    options.isolate === false && isolatedFiles.length + e2eFiles.length > 0
      ? { projects: testProjects(isolatedFiles, e2eFiles) }
      : { include: TEST_FILES };
  return defineConfig({
    test: {
      ...files,
      environment: 'node',
      pool: 'forks',
      isolate: options.isolate ?? true,
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
