/**
 * Installed versions of the tfjs packages, read from their package.json files: what `forge info`
 * shows and what the version pin of the wasm threads workaround is checked against.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** The tfjs packages worth reporting; the native ones are optional and usually absent. */
export const TFJS_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
] as const;

/** The name of one of the reported tfjs packages. */
export type TfjsPackage = (typeof TFJS_PACKAGES)[number];

/** The version in `packageName`'s package.json as resolved from here, or undefined when absent. */
export function installedVersion(packageName: string): string | undefined {
  try {
    const manifest: unknown = requireFromHere(`${packageName}/package.json`);
    if (
      typeof manifest === 'object' &&
      manifest !== null &&
      'version' in manifest &&
      typeof manifest.version === 'string'
    )
      return manifest.version;
    return undefined;
  } catch {
    return undefined;
  }
}

/** Versions of every tfjs package; absent ones map to undefined. */
export function tfjsVersions(): Record<TfjsPackage, string | undefined> {
  const entries = TFJS_PACKAGES.map((name) => [name, installedVersion(name)] as const);
  return Object.fromEntries(entries) as Record<TfjsPackage, string | undefined>;
}
