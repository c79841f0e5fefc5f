/**
 * The optional native kernel addon (`@agent-forge/native-kernels`): when it loads (built at install,
 * or a prebuilt binary for this CPU), core runs the hot kernels through it on the wasm heap in place;
 * when it does not (`FORGE_NATIVE_KERNELS=0`, no binary for this machine), the wasm kernels run and
 * `forge info` says why.
 *
 * `FORGE_NATIVE_KERNELS`: `auto` (default) uses the addon when it loads; `0` never; `1` requires it
 * (initialising the backend fails with the reason when it cannot load).
 */
import type { NativeKernels, NativeLoadResult } from '@agent-forge/native-kernels';
import { ForgeError } from '../errors.js';
import { registerFastWasmBatchMatMul } from './kernels/fast-batch-matmul.js';
import { registerNativeActivation } from './kernels/native-activation.js';
import { registerNativeAdamW } from './kernels/native-adamw.js';
import {
  nativeAddon,
  restoreReplacedWasmKernels,
  setNativeAddon,
  unregisterFusedWasmKernels,
} from './kernels/native-addon.js';
import { registerNativeWasmBatchMatMul } from './kernels/native-batch-matmul.js';
import { registerNativeCrossEntropy } from './kernels/native-cross-entropy.js';
import { registerNativeBinaryKernels } from './kernels/native-binary.js';
import { registerNativeLayoutKernels } from './kernels/native-layout.js';
import { registerNativeNorm } from './kernels/native-norm.js';
import { registerNativeRope } from './kernels/native-rope.js';
import { registerNativeUnaryKernels } from './kernels/native-unary.js';
import { registerNativeTernaryMatMul, registerWasmTernaryMatMul } from './kernels/ternary-matmul.js';

/** Whether the native kernels run, on what, and why not when they do not. */
export interface NativeKernelsState {
  /** True when the wasm backend's hot kernels run in the native addon. */
  active: boolean;
  /** The vector instructions the addon was compiled for (avx512, avx2, …), when active. */
  simd?: string;
  /**
   * Which binary runs and why, when active: "local build (-march=native)", or "prebuilt x86-64-v3 (no
   * local build: …)" when the install step could not compile one and the package's prebuilt binary for
   * this CPU's level loaded instead.
   */
  binary?: string;
  /** Threads the native kernels use, when active. */
  threads?: number;
  /** Why the native kernels are off, when they are. */
  reason?: string;
}

type NativeKernelsMode = 'auto' | 'off' | 'required';

function modeFromEnv(): NativeKernelsMode {
  const value = process.env['FORGE_NATIVE_KERNELS'];
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === '0') return 'off';
  if (value === '1') return 'required';
  throw new ForgeError(`FORGE_NATIVE_KERNELS must be auto, 0 or 1, got '${value}'`, { field: 'FORGE_NATIVE_KERNELS' });
}

async function importAddon(): Promise<NativeLoadResult> {
  // A name held in a variable, so bundlers leave this optional import alone.
  const packageName = '@agent-forge/native-kernels';
  try {
    const module = (await import(packageName)) as { loadNativeKernels: () => NativeLoadResult };
    return module.loadNativeKernels();
  } catch (error) {
    return { ok: false, reason: `${packageName} is not installed (${String(error).split('\n')[0] ?? ''})` };
  }
}

/** The addon when `FORGE_NATIVE_KERNELS` allows it and it loads; otherwise why not (an error when it is required). */
export async function loadNativeKernelAddon(): Promise<NativeLoadResult> {
  const mode = modeFromEnv();
  if (mode === 'off') return { ok: false, reason: 'FORGE_NATIVE_KERNELS=0' };
  const loaded = await importAddon();
  if (!loaded.ok && mode === 'required')
    throw new ForgeError(`FORGE_NATIVE_KERNELS=1 but the native kernels cannot be used: ${loaded.reason}`);
  return loaded;
}

/**
 * Registers the addon's kernels for the wasm backend, on `threads` threads. Call after the wasm
 * backend is initialised and its own kernels are registered (the native ones replace them).
 */
export function activateNativeKernels(loaded: NativeLoadResult, threads: number): NativeKernelsState {
  if (!loaded.ok) return { active: false, reason: loaded.reason };
  registerNativeKernels(loaded.kernels, threads);
  return { active: true, simd: loaded.info.simd, binary: loaded.binary.summary, threads };
}

function registerNativeKernels(kernels: NativeKernels, threads: number): void {
  kernels.setThreads(threads);
  setNativeAddon(kernels);
  registerNativeWasmBatchMatMul();
  registerNativeAdamW();
  registerNativeCrossEntropy();
  registerNativeUnaryKernels();
  registerNativeBinaryKernels();
  registerNativeLayoutKernels();
  registerNativeNorm();
  registerNativeActivation();
  registerNativeRope();
  registerNativeTernaryMatMul();
}

/**
 * Switches the wasm backend between the native kernels (on) and its own (off) inside one process:
 * for tests and benchmarks that compare the two paths on the same model. Turning them on needs the
 * addon to have loaded at initialisation.
 */
export function setNativeKernelsEnabled(enabled: boolean): void {
  if (enabled) {
    registerNativeKernels(nativeAddon(), nativeAddon().info().threads);
    return;
  }
  registerFastWasmBatchMatMul();
  unregisterFusedWasmKernels();
  restoreReplacedWasmKernels();
  registerWasmTernaryMatMul();
}
