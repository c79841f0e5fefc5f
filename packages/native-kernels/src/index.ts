/**
 * The native CPU kernels of Agent Forge: an N-API addon (C++, Eigen, a small thread pool) built when the package
 * installs, with prebuilt binaries for linux-x64 (x86-64-v4 / -v3 / -v2) for machines without a compiler.
 * `@agent-forge/core` loads it when present and runs its kernels on the memory of the TensorFlow.js wasm
 * backend in place; without a usable binary the engine stays on wasm and `forge info` says why.
 */
export { PREBUILT_LEVELS, describeThisCpu, parseCpuinfoFlags, supportedLevels } from './cpu-level.js';
export type { CpuDescription, PrebuiltLevel } from './cpu-level.js';
export { loadNativeKernels, nativeBuildStatus } from './load.js';
export type { NativeBinary, NativeBuildStatus, NativeKernels, NativeKernelsInfo, NativeLoadResult } from './types.js';
