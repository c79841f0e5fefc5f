/**
 * Loads the addon, best binary first: the one the install step compiled for this CPU
 * (scripts/build-addon.mjs, -march=native), else the best prebuilt binary the package ships that
 * this CPU can run (scripts/build-prebuilds.mjs, chosen by ./cpu-level.ts), else none, with the
 * reasons. Loading never throws, so a machine without the addon keeps working on wasm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeNativeBinary } from './describe.js';
import { describeThisCpu, supportedLevels, unsupportedPlatform } from './cpu-level.js';
import type { CpuDescription, PrebuiltLevel } from './cpu-level.js';
import type { NativeBinary, NativeBuildStatus, NativeKernels, NativeLoadResult } from './types.js';

// dist/index.js and src/load.ts both sit one level below the package root.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the addon's binaries are: the install step's build, its status file, and the shipped prebuilds. */
export interface AddonLocations {
  /** The install step's build (build/Release/forge_native.node). */
  localAddon: string;
  /** What the install step said (build/status.json). */
  statusFile: string;
  /** The prebuilt binaries for linux-x64 (prebuilds/linux-x64), one per x86-64 level. */
  prebuildsDir: string;
}

/** The package's own locations. */
export const PACKAGE_LOCATIONS: AddonLocations = {
  localAddon: path.join(packageDir, 'build', 'Release', 'forge_native.node'),
  statusFile: path.join(packageDir, 'build', 'status.json'),
  prebuildsDir: path.join(packageDir, 'prebuilds', 'linux-x64'),
};

/** The file name of the prebuilt binary for one x86-64 level. */
export function prebuiltFileName(level: PrebuiltLevel): string {
  return `forge_native.glibc.${level}.node`;
}

/** What the last install-time build said, or undefined when it never ran. */
export function nativeBuildStatus(statusFile = PACKAGE_LOCATIONS.statusFile): NativeBuildStatus | undefined {
  if (!existsSync(statusFile)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(statusFile, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { built, reason, march } = parsed as Record<string, unknown>;
    return {
      built: built === true,
      ...(typeof reason === 'string' ? { reason } : {}),
      ...(typeof march === 'string' ? { march } : {}),
    };
  } catch {
    return undefined;
  }
}

const KERNEL_NAMES = [
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
];

function isNativeKernels(value: unknown): value is NativeKernels {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return KERNEL_NAMES.every((name) => typeof record[name] === 'function');
}

let loaded: NativeLoadResult | undefined;

/** The addon's kernels, loaded once per process; `{ ok: false, reason }` when no binary is usable. */
export function loadNativeKernels(): NativeLoadResult {
  loaded ??= loadAddon(PACKAGE_LOCATIONS);
  return loaded;
}

function requireAddon(found: Omit<NativeBinary, 'summary'>): NativeLoadResult {
  const binary = { ...found, summary: describeNativeBinary(found) };
  try {
    const addon: unknown = createRequire(import.meta.url)(binary.file);
    if (!isNativeKernels(addon)) return { ok: false, reason: `${binary.file} does not export the expected kernels` };
    return { ok: true, kernels: addon, info: addon.info(), binary };
  } catch (error) {
    return { ok: false, reason: `${binary.file} failed to load: ${String(error)}` };
  }
}

/**
 * Loads the best binary at `locations` that `cpu` can run: the local build, else the best prebuilt
 * level (a level missing from the package falls through to the next). Internal; exported for tests.
 */
export function loadAddon(locations: AddonLocations, cpu: CpuDescription = describeThisCpu()): NativeLoadResult {
  const status = nativeBuildStatus(locations.statusFile);
  let noLocal =
    status?.reason ?? 'the addon was not built (run the package install step: node scripts/build-addon.mjs)';
  // A local build the last install step did not make (status built: false) is stale: never load it.
  if (existsSync(locations.localAddon) && status?.built !== false) {
    const local = requireAddon({
      source: 'local',
      file: locations.localAddon,
      march: status?.march ?? '-march=native',
    });
    if (local.ok) return local;
    noLocal = local.reason;
  }
  const prebuilt = loadPrebuilt(locations.prebuildsDir, cpu, noLocal);
  return prebuilt.ok ? prebuilt : { ok: false, reason: `${noLocal}; ${prebuilt.reason}` };
}

function loadPrebuilt(prebuildsDir: string, cpu: CpuDescription, why: string): NativeLoadResult {
  const platform = unsupportedPlatform(cpu);
  if (platform !== undefined) return { ok: false, reason: platform };
  const levels = supportedLevels(cpu);
  if (levels.length === 0) {
    return {
      ok: false,
      reason: 'this CPU is below x86-64-v2 (or its flags could not be read): no prebuilt binary fits',
    };
  }
  const problems: string[] = [];
  for (const level of levels) {
    const file = path.join(prebuildsDir, prebuiltFileName(level));
    if (!existsSync(file)) {
      problems.push(`${level} not in the package`);
      continue;
    }
    const result = requireAddon({ source: 'prebuilt', level, file, why });
    if (result.ok) return result;
    problems.push(result.reason);
  }
  return { ok: false, reason: `no prebuilt binary for this CPU (${problems.join('; ')})` };
}
