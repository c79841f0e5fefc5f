/**
 * The libtensorflow backends, `@tensorflow/tfjs-node-gpu` and `@tensorflow/tfjs-node`. They are
 * optional peer dependencies: most machines do not have them, and that is normal.
 */
import { tf } from './tf.js';
import { installedVersion } from './versions.js';

export type NativeBackendChoice = 'tensorflow-gpu' | 'tensorflow';

export const NATIVE_BACKEND_PACKAGE: Readonly<Record<NativeBackendChoice, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Both packages register their backend under this name. */
const NATIVE_TFJS_BACKEND = 'tensorflow';

export type NativeLoadResult = { ok: true } | { ok: false; notInstalled: boolean; reason: string };

/** Loads one native backend and makes it active; never throws. */
export async function activateNative(choice: NativeBackendChoice): Promise<NativeLoadResult> {
  const packageName = NATIVE_BACKEND_PACKAGE[choice];
  // Resolve before importing: "not installed" then reads the same under Node and under test
  // runners whose module loaders word (and code) a failed import differently.
  if (installedVersion(packageName) === undefined)
    return { ok: false, notInstalled: true, reason: `${packageName} is not installed` };
  try {
    // A name held in a variable, so bundlers leave this optional import alone.
    await import(packageName);
  } catch (error) {
    return {
      ok: false,
      notInstalled: false,
      reason: `${packageName} is installed but failed to load: ${String(error)}`,
    };
  }
  try {
    if (await tf.setBackend(NATIVE_TFJS_BACKEND)) return { ok: true };
    return {
      ok: false,
      notInstalled: false,
      reason: `${packageName} is installed but its backend failed to initialise`,
    };
  } catch (error) {
    return {
      ok: false,
      notInstalled: false,
      reason: `${packageName} is installed but its backend failed to initialise: ${String(error)}`,
    };
  }
}
