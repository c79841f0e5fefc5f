/**
 * `Identity` for the wasm backend without a copy.
 *
 * Why: tfjs-backend-wasm 4.22's Identity copies the whole tensor (a new heap block and a memcpy),
 * and a `paper` training step calls it 554 times (gradient plumbing, clones) for ~4 % of the step
 * (docs/benchmarks.md). Tensors are immutable in tfjs, so the output can share the input's memory
 * with a reference count, as the cpu backend's Identity does; the memory is freed with the last owner.
 */
import { tf } from '../tf.js';
import { asWasmBackend } from './wasm-heap.js';

function sharedIdentity({ inputs, backend: untypedBackend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const x = inputs['x'];
  if (x === undefined) throw new Error('Identity: input x is required');
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Makes the shared Identity the wasm backend's. Idempotent. */
export function registerSharedWasmIdentity(): void {
  if (tf.getKernel(tf.Identity, 'wasm')?.kernelFunc === sharedIdentity) return;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ kernelName: tf.Identity, backendName: 'wasm', kernelFunc: sharedIdentity });
}
