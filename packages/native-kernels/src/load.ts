/**
 * Loads the built addon. The install step (scripts/build-addon.mjs) leaves either the addon or a
 * reason in build/status.json; loading never throws, so a machine without the addon keeps working.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBuildStatus, NativeKernels, NativeLoadResult } from './types.js';

// dist/index.js and src/load.ts both sit one level below the package root.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADDON_FILE = path.join(packageDir, 'build', 'Release', 'forge_native.node');
const STATUS_FILE = path.join(packageDir, 'build', 'status.json');

/** What the last install-time build said, or undefined when it never ran. */
export function nativeBuildStatus(statusFile = STATUS_FILE): NativeBuildStatus | undefined {
  if (!existsSync(statusFile)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(statusFile, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { built, reason } = parsed as Record<string, unknown>;
    return { built: built === true, ...(typeof reason === 'string' ? { reason } : {}) };
  } catch {
    return undefined;
  }
}

function isNativeKernels(value: unknown): value is NativeKernels {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return [
    'batchMatMul',
    'adamW',
    'logSoftmaxPick',
    'logSoftmaxPickGrad',
    'unary',
    'binary',
    'softmax',
    'rope',
    'transpose',
    'normForward',
    'normBackward',
    'activation',
    'activationGrad',
    'scaledSoftmax',
    'scaledSoftmaxGrad',
    'ternaryMatMul',
    'setThreads',
    'info',
  ].every((name) => typeof record[name] === 'function');
}

let loaded: NativeLoadResult | undefined;

/** The addon's kernels, loaded once per process; `{ ok: false, reason }` when it is not built or fails to load. */
export function loadNativeKernels(): NativeLoadResult {
  loaded ??= loadAddon(ADDON_FILE, STATUS_FILE);
  return loaded;
}

/** Loads the addon at `addonFile`; when it is missing, the reason comes from the build's `statusFile`. Internal. */
export function loadAddon(addonFile: string, statusFile: string): NativeLoadResult {
  if (!existsSync(addonFile)) {
    const reason =
      nativeBuildStatus(statusFile)?.reason ??
      'the addon was not built (run the package install step: node scripts/build-addon.mjs)';
    return { ok: false, reason };
  }
  try {
    const addon: unknown = createRequire(import.meta.url)(addonFile);
    if (!isNativeKernels(addon)) return { ok: false, reason: `${addonFile} does not export the expected kernels` };
    return { ok: true, kernels: addon, info: addon.info() };
  } catch (error) {
    return { ok: false, reason: `${addonFile} failed to load: ${String(error)}` };
  }
}
