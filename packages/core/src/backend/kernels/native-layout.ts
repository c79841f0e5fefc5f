/**
 * `Softmax` (over the last axis) and `Transpose` for wasm through the native addon, threaded: attention's
 * softmax over keys and its head split/merge transposes, which wasm 4.22 runs on one thread. Other
 * dtypes, and a softmax over another axis, go to the kernels these replaced. Also attention's fused
 * scale + mask + softmax (`ForgeScaledSoftmax`) and its gradient.
 */
import { tf } from '../tf.js';
import {
  FUSED_KERNELS,
  nativeAddon,
  registerWasmKernel,
  replaceWasmKernel,
  runReplacedWasmKernel,
} from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function nativeSoftmax(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const logits = args.inputs['logits'];
  if (logits === undefined) throw new Error('Softmax: input logits is required');
  const rank = logits.shape.length;
  const dim = args.attrs?.['dim'];
  const lastAxis = dim === -1 || dim === rank - 1;
  if (logits.dtype !== 'float32' || rank === 0 || !lastAxis)
    return runReplacedWasmKernel(tf.Softmax, args) as tf.TensorInfo;
  const backend = asWasmBackend(args.backend);
  const out = backend.makeOutput(logits.shape, 'float32');
  const cols = logits.shape[rank - 1] ?? 1;
  const size = tf.util.sizeFromShape(logits.shape);
  if (size > 0)
    nativeAddon().softmax(
      heapFloat32(backend),
      heapElementOffset(backend, logits),
      heapElementOffset(backend, out),
      size / cols,
      cols,
    );
  return out;
}

function nativeTranspose(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs['x'];
  if (x === undefined) throw new Error('Transpose: input x is required');
  const perm = args.attrs?.['perm'];
  if (x.dtype !== 'float32' || !Array.isArray(perm) || x.shape.length === 0 || x.shape.length > 8)
    return runReplacedWasmKernel(tf.Transpose, args) as tf.TensorInfo;
  const order = perm as number[];
  const backend = asWasmBackend(args.backend);
  const out = backend.makeOutput(
    order.map((axis) => x.shape[axis] ?? 0),
    'float32',
  );
  if (tf.util.sizeFromShape(x.shape) > 0) {
    nativeAddon().transpose(
      heapFloat32(backend),
      heapElementOffset(backend, x),
      heapElementOffset(backend, out),
      Int32Array.from(x.shape),
      Int32Array.from(order),
    );
  }
  return out;
}

function scaleOf(attrs: tf.NamedAttrMap | undefined, kernel: string): number {
  const scale = attrs?.['scale'];
  if (typeof scale !== 'number') throw new Error(`${kernel}: attribute scale must be a number`);
  return scale;
}

/** Attention's softmax(scale·scores + mask) in one pass (`ForgeScaledSoftmax`). */
function scaledSoftmax({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { scores, mask } = inputs;
  const cols = scores?.shape.at(-1) ?? 0;
  if (scores === undefined || scores.dtype !== 'float32' || cols === 0)
    throw new Error(`${FUSED_KERNELS.scaledSoftmax}: scores must be float32 with a non-empty last axis`);
  const maskRows = mask?.shape.length === 2 && mask.shape[1] === cols ? (mask.shape[0] ?? 0) : undefined;
  if (mask !== undefined && (maskRows === undefined || maskRows === 0 || (scores.shape.at(-2) ?? 0) % maskRows !== 0)) {
    throw new Error(`${FUSED_KERNELS.scaledSoftmax}: mask must be [rows, ${cols}] with rows dividing the scores' rows`);
  }
  const out = backend.makeOutput(scores.shape, 'float32');
  const rows = tf.util.sizeFromShape(scores.shape) / cols;
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  if (rows > 0)
    nativeAddon().scaledSoftmax(
      heapFloat32(backend),
      at(scores),
      mask === undefined ? -1 : at(mask),
      at(out),
      rows,
      cols,
      maskRows ?? 1,
      scaleOf(attrs, FUSED_KERNELS.scaledSoftmax),
    );
  return out;
}

function scaledSoftmaxGrad({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { probs, dy } = inputs;
  if (probs === undefined || dy === undefined)
    throw new Error(`${FUSED_KERNELS.scaledSoftmaxGrad}: inputs probs and dy are required`);
  const cols = probs.shape.at(-1) ?? 1;
  const grad = backend.makeOutput(probs.shape, 'float32');
  const rows = tf.util.sizeFromShape(probs.shape) / cols;
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  if (rows > 0)
    nativeAddon().scaledSoftmaxGrad(
      heapFloat32(backend),
      at(probs),
      at(dy),
      at(grad),
      rows,
      cols,
      scaleOf(attrs, FUSED_KERNELS.scaledSoftmaxGrad),
    );
  return grad;
}

/** Registers the native Softmax and Transpose, and attention's fused softmax, for wasm. Call after `setNativeAddon`. Idempotent. */
export function registerNativeLayoutKernels(): void {
  replaceWasmKernel(tf.Softmax, nativeSoftmax);
  replaceWasmKernel(tf.Transpose, nativeTranspose);
  registerWasmKernel(FUSED_KERNELS.scaledSoftmax, scaledSoftmax);
  registerWasmKernel(FUSED_KERNELS.scaledSoftmaxGrad, scaledSoftmaxGrad);
}
