/**
 * The one TensorFlow.js instance the whole project uses. Import `tf` from here (inside core) or
 * from `@agent-forge/core` (everywhere else), never from a tfjs package directly, so that kernels,
 * gradients and the active backend are the same for every phase.
 *
 * Why the union package and not tfjs-core alone: tfjs-core's Node (CommonJS) bundle registers no
 * gradient functions, and its `register_all_gradients` module is extension-less ESM that Node cannot
 * load (research/bench-backend REPORT, finding F1). `@tensorflow/tfjs` registers them all.
 *
 * The wasm backend is imported here too (it registers itself as 'wasm' on import) so that the
 * rest of the backend module reaches every tfjs package through this one file.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';

export { tf, tfWasm };
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
} from '@tensorflow/tfjs';
