/**
 * The external runtimes' npm packages are optional dependencies of the CLI: their installs fetch or
 * build native libraries that not every machine can get (onnxruntime-node's install script downloads
 * from NuGet), so a failed install must not fail `npm install @agent-forge/cli`. Asking for a runtime
 * whose package is missing is a clear error instead.
 */
import { ForgeError } from '@agent-forge/core';

/** `load()`, or a ForgeError naming the package and how to install it. */
export async function importRuntimePackage<T>(
  runtime: string,
  packageName: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const reason = String(error).split('\n')[0] ?? 'unknown error';
    throw new ForgeError(
      `--runtime ${runtime} needs the optional package ${packageName}, which is not installed or failed to load (${reason}); install it with npm install ${packageName}, or use --runtime forge`,
      { field: 'runtime' },
    );
  }
}
