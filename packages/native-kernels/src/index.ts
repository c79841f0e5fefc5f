/**
 * The native CPU kernels of Agent Forge: an N-API addon (C++, Eigen, a small thread pool) built when the package
 * installs. `@agent-forge/core` loads it when present and runs its kernels on the memory of the
 * TensorFlow.js wasm backend in place; without it (no compiler, no Eigen headers) the engine stays
 * on wasm and `forge info` says why.
 */
export { loadNativeKernels, nativeBuildStatus } from './load.js';
export type { NativeBuildStatus, NativeKernels, NativeKernelsInfo, NativeLoadResult } from './types.js';
