/**
 * `Identity`, and `Cast` to the dtype a tensor already has, for the wasm backend without a copy.
 *
 * Why: tfjs-backend-wasm 4.22's Identity copies the whole tensor (a new heap block and a memcpy), and
 * so does its Cast when the dtype does not change — which tfjs's Multiply gradient asks for on every
 * product. A `paper` training step made 554 Identity and 119 Cast calls (~6 % of the step,
 * docs/benchmarks.md). Tensors are immutable in tfjs, so the output can share the input's memory with a
 * reference count, as the cpu backend's Identity does; the memory is freed with its last owner.
 */
import { tf } from '../tf.js';
import { asWasmBackend } from './wasm-heap.js';

function share(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  asWasmBackend(backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function sharedIdentity({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = inputs['x'];
  if (x === undefined) throw new Error('Identity: input x is required');
  return share(backend, x);
}

let stockCast: tf.KernelConfig | undefined;

function sharingCast(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs['x'];
  if (x === undefined) throw new Error('Cast: input x is required');
  if (args.attrs?.['dtype'] === x.dtype) return share(args.backend, x);
  if (stockCast === undefined) throw new Error('Cast: the wasm kernel is missing');
  return stockCast.kernelFunc(args);
}

/** Makes the sharing Identity and Cast the wasm backend's. Idempotent. */
export function registerSharedWasmIdentity(): void {
  if (tf.getKernel(tf.Identity, 'wasm')?.kernelFunc !== sharedIdentity) {
    tf.unregisterKernel(tf.Identity, 'wasm');
    tf.registerKernel({ kernelName: tf.Identity, backendName: 'wasm', kernelFunc: sharedIdentity });
  }
  const cast = tf.getKernel(tf.Cast, 'wasm');
  if (cast !== undefined && cast.kernelFunc !== sharingCast) {
    stockCast = cast;
    tf.unregisterKernel(tf.Cast, 'wasm');
    tf.registerKernel({ kernelName: tf.Cast, backendName: 'wasm', kernelFunc: sharingCast });
  }
}
