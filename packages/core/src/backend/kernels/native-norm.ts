/**
 * Fused RMSNorm / LayerNorm for wasm (`ForgeNorm` and its gradient kernel `ForgeNormGrad`): one native
 * pass forward and one backward per norm instead of ~30 tensor kernels (see native-kernels/csrc/norm.cc).
 */
import { tf } from '../tf.js';
import { FUSED_KERNELS, nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function rowsAndWidth(x: tf.TensorInfo, kernel: string): { rows: number; width: number } {
  const width = x.shape.at(-1) ?? 0;
  if (x.dtype !== 'float32' || x.shape.length === 0 || width === 0)
    throw new Error(`${kernel}: x must be float32 with a non-empty last axis`);
  return { rows: tf.util.sizeFromShape(x.shape) / width, width };
}

function fusedNorm({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const backend = asWasmBackend(untypedBackend);
  const { x, gain, bias } = inputs;
  if (x === undefined || gain === undefined) throw new Error(`${FUSED_KERNELS.norm}: inputs x and gain are required`);
  const { rows, width } = rowsAndWidth(x, FUSED_KERNELS.norm);
  const outputs = [
    backend.makeOutput(x.shape, 'float32'),
    backend.makeOutput([rows], 'float32'),
    backend.makeOutput([rows], 'float32'),
  ] as const;
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  const layerNorm = attrs?.['layerNorm'] === true;
  const eps = attrs?.['eps'];
  if (typeof eps !== 'number') throw new Error(`${FUSED_KERNELS.norm}: attribute eps must be a number`);
  nativeAddon().normForward(
    heapFloat32(backend),
    at(x),
    at(gain),
    bias === undefined ? -1 : at(bias),
    at(outputs[0]),
    at(outputs[1]),
    at(outputs[2]),
    rows,
    width,
    layerNorm,
    eps,
  );
  return [...outputs];
}

function fusedNormGrad({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const backend = asWasmBackend(untypedBackend);
  const { x, gain, mean, rstd, dy } = inputs;
  if (x === undefined || gain === undefined || mean === undefined || rstd === undefined || dy === undefined) {
    throw new Error(`${FUSED_KERNELS.normGrad}: inputs x, gain, mean, rstd and dy are required`);
  }
  const { rows, width } = rowsAndWidth(x, FUSED_KERNELS.normGrad);
  const hasBias = attrs?.['hasBias'] === true;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dgain = backend.makeOutput([width], 'float32');
  const dbias = hasBias ? backend.makeOutput([width], 'float32') : undefined;
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  const layerNorm = attrs?.['layerNorm'] === true;
  nativeAddon().normBackward(
    heapFloat32(backend),
    at(x),
    at(gain),
    at(mean),
    at(rstd),
    at(dy),
    at(dx),
    at(dgain),
    dbias === undefined ? -1 : at(dbias),
    rows,
    width,
    layerNorm,
  );
  return dbias === undefined ? [dx, dgain] : [dx, dgain, dbias];
}

/** Registers both kernels for wasm. Call after `setNativeAddon`. */
export function registerNativeNorm(): void {
  registerWasmKernel(FUSED_KERNELS.norm, fusedNorm as tf.KernelFunc);
  registerWasmKernel(FUSED_KERNELS.normGrad, fusedNormGrad as tf.KernelFunc);
}
