/**
 * What `forge info` prints about the engine: which backend, how it runs, on what.
 */
import os from 'node:os';
import { initialisedBackend, type BackendChoice } from './init.js';
import type { NativeKernelsState } from './native-kernels.js';
import { tfjsVersions, type TfjsPackage } from './versions.js';

/** Engine diagnostics as `describeBackend()` returns them, for `forge info` and bug reports. */
export interface BackendReport {
  /** The initialised backend, or undefined before `initBackend` has run. */
  backend: BackendChoice | undefined;
  /** Compute threads: the native kernels' (wasm with the addon) or wasm's pool size, 1 for cpu, undefined for libtensorflow or before init. */
  threads: number | undefined;
  /** WebAssembly SIMD in use; false unless the backend is wasm. */
  simd: boolean;
  /** True when the Node wasm-threads workaround is active (multi-threaded wasm). */
  threadsWorkaround: boolean;
  /** Why wasm runs single-threaded, when it does. */
  threadsWorkaroundSkipped: string | undefined;
  /** The native kernel addon: active (with its SIMD and threads) or why not; undefined before init. */
  nativeKernels: NativeKernelsState | undefined;
  /** Backends 'auto' passed over, with the reason. */
  skipped: {
    /** The backend that was passed over. */
    choice: BackendChoice;
    /** Why, e.g. its optional package is not installed or it failed to initialise. */
    reason: string;
  }[];
  /** Installed tfjs package versions; undefined for packages that are not installed. */
  versions: Record<TfjsPackage, string | undefined>;
  /** Node.js version, as `process.version` gives it (e.g. `v20.11.0`). */
  node: string;
  /** CPU model name and logical core count, from `os.cpus()`. */
  cpu: {
    /** Model name of the first CPU, trimmed, e.g. `AMD EPYC 7763 64-Core Processor`; `unknown` when the OS reports none. */
    model: string;
    /** Logical cores (hardware threads) the OS reports, `os.cpus().length`. */
    cores: number;
  };
}

/** A snapshot of the engine for diagnostics. Call after `initBackend` for the backend fields. */
export function describeBackend(): BackendReport {
  const info = initialisedBackend();
  const cpus = os.cpus();
  return {
    backend: info?.choice,
    threads: info?.threads,
    simd: info?.simd ?? false,
    threadsWorkaround: info?.threadsWorkaround ?? false,
    threadsWorkaroundSkipped: info?.threadsWorkaroundSkipped,
    nativeKernels: info?.nativeKernels,
    skipped: info?.skipped ?? [],
    versions: tfjsVersions(),
    node: process.version,
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
  };
}
