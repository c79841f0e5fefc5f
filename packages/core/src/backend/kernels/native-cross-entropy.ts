/**
 * Fused log-softmax + target pick for wasm (`ForgeLogSoftmaxPick` and its gradient kernel): the
 * cross-entropy's passes over [rows, vocab] logits done natively and threaded, with no one-hot
 * (see native-kernels/csrc/softmax.cc).
 */
import { tf } from '../tf.js';
import { FUSED_KERNELS, nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function logitsShape(logits: tf.TensorInfo, targets: tf.TensorInfo, kernel: string): { rows: number; vocab: number } {
  if (logits.shape.length !== 2 || logits.dtype !== 'float32')
    throw new Error(`${kernel}: logits must be float32 [rows, vocab]`);
  const [rows = 0, vocab = 0] = logits.shape;
  if (targets.dtype !== 'int32' || tf.util.sizeFromShape(targets.shape) !== rows)
    throw new Error(`${kernel}: targets must be int32 with one entry per row`);
  return { rows, vocab };
}

function logSoftmaxPick({ inputs, backend: untypedBackend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const backend = asWasmBackend(untypedBackend);
  const { logits, targets } = inputs;
  if (logits === undefined || targets === undefined)
    throw new Error(`${FUSED_KERNELS.logSoftmaxPick}: inputs logits and targets are required`);
  const { rows, vocab } = logitsShape(logits, targets, FUSED_KERNELS.logSoftmaxPick);
  const [pick, logSumExp] = [backend.makeOutput([rows], 'float32'), backend.makeOutput([rows], 'float32')];
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  if (rows > 0)
    nativeAddon().logSoftmaxPick(heapFloat32(backend), at(logits), at(targets), at(pick), at(logSumExp), rows, vocab);
  return [pick, logSumExp];
}

function logSoftmaxPickGrad({ inputs, backend: untypedBackend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { logits, targets, logSumExp, dy } = inputs;
  if (logits === undefined || targets === undefined || logSumExp === undefined || dy === undefined) {
    throw new Error(`${FUSED_KERNELS.logSoftmaxPickGrad}: inputs logits, targets, logSumExp and dy are required`);
  }
  const { rows, vocab } = logitsShape(logits, targets, FUSED_KERNELS.logSoftmaxPickGrad);
  const grad = backend.makeOutput([rows, vocab], 'float32');
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  if (rows > 0)
    nativeAddon().logSoftmaxPickGrad(
      heapFloat32(backend),
      at(logits),
      at(targets),
      at(logSumExp),
      at(dy),
      at(grad),
      rows,
      vocab,
    );
  return grad;
}

/** Registers both kernels for wasm. Call after `setNativeAddon`. */
export function registerNativeCrossEntropy(): void {
  registerWasmKernel(FUSED_KERNELS.logSoftmaxPick, logSoftmaxPick as tf.KernelFunc);
  registerWasmKernel(FUSED_KERNELS.logSoftmaxPickGrad, logSoftmaxPickGrad);
}
