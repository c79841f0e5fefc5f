/**
 * `Softmax` (over the last axis) and `Transpose` for wasm through the native addon, threaded: attention's
 * softmax over keys and its head split/merge transposes, which wasm 4.22 runs on one thread. Other
 * dtypes, and a softmax over another axis, go to the kernels these replaced.
 */
import { tf } from '../tf.js';
import { nativeAddon, replaceWasmKernel, runReplacedWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function nativeSoftmax(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const logits = args.inputs['logits'];
  if (logits === undefined) throw new Error('Softmax: input logits is required');
  const rank = logits.shape.length;
  const dim = args.attrs?.['dim'];
  const lastAxis = dim === -1 || dim === rank - 1;
  if (logits.dtype !== 'float32' || rank === 0 || !lastAxis) return runReplacedWasmKernel(tf.Softmax, args) as tf.TensorInfo;
  const backend = asWasmBackend(args.backend);
  const out = backend.makeOutput(logits.shape, 'float32');
  const cols = logits.shape[rank - 1] ?? 1;
  const size = tf.util.sizeFromShape(logits.shape);
  if (size > 0) nativeAddon().softmax(heapFloat32(backend), heapElementOffset(backend, logits), heapElementOffset(backend, out), size / cols, cols);
  return out;
}

function nativeTranspose(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs['x'];
  if (x === undefined) throw new Error('Transpose: input x is required');
  const perm = args.attrs?.['perm'];
  if (x.dtype !== 'float32' || !Array.isArray(perm) || x.shape.length === 0 || x.shape.length > 8) return runReplacedWasmKernel(tf.Transpose, args) as tf.TensorInfo;
  const order = perm as number[];
  const backend = asWasmBackend(args.backend);
  const out = backend.makeOutput(order.map((axis) => x.shape[axis] ?? 0), 'float32');
  if (tf.util.sizeFromShape(x.shape) > 0) {
    nativeAddon().transpose(heapFloat32(backend), heapElementOffset(backend, x), heapElementOffset(backend, out), Int32Array.from(x.shape), Int32Array.from(order));
  }
  return out;
}

/** Registers the native Softmax and Transpose for wasm. Call after `setNativeAddon`. Idempotent. */
export function registerNativeLayoutKernels(): void {
  replaceWasmKernel(tf.Softmax, nativeSoftmax);
  replaceWasmKernel(tf.Transpose, nativeTranspose);
}
