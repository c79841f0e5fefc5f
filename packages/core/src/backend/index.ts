export { tf } from './tf.js';
export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Scalar,
  Variable,
  Rank,
  DataType,
  NamedTensorMap,
} from './tf.js';
export { initBackend, AUTO_BACKEND_ORDER } from './init.js';
export type { BackendChoice, BackendInfo, BackendPreference, InitBackendOptions } from './init.js';
export { useBackend, withBackend } from './switch.js';
export { describeBackend } from './describe.js';
export type { BackendReport } from './describe.js';
export { setNativeKernelsEnabled, type NativeKernelsState } from './native-kernels.js';
export { THREADS_WORKAROUND_WASM_VERSION } from './wasm-threads.js';
export { TFJS_PACKAGES, type TfjsPackage } from './versions.js';
