/**
 * The fused AdamW kernel for wasm (`ForgeAdamW`): the whole update of one weight in one native pass,
 * threaded, instead of ~12 elementwise tensor ops (see native-kernels/csrc/optimizer.cc).
 */
import { tf } from '../tf.js';
import { FUSED_KERNELS, nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function numberAttr(attrs: tf.NamedAttrMap | undefined, name: string): number {
  const value = attrs?.[name];
  if (typeof value !== 'number') throw new Error(`${FUSED_KERNELS.adamW}: attribute '${name}' must be a number`);
  return value;
}

function fusedAdamW({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const backend = asWasmBackend(untypedBackend);
  const { w, g, m, v } = inputs;
  if (w === undefined || g === undefined || m === undefined || v === undefined)
    throw new Error(`${FUSED_KERNELS.adamW}: inputs w, g, m, v are required`);
  const n = tf.util.sizeFromShape(w.shape);
  for (const input of [g, m, v]) {
    if (tf.util.sizeFromShape(input.shape) !== n || input.dtype !== 'float32')
      throw new Error(`${FUSED_KERNELS.adamW}: g, m, v must be float32 of w's size`);
  }
  const outputs = [
    backend.makeOutput(w.shape, 'float32'),
    backend.makeOutput(w.shape, 'float32'),
    backend.makeOutput(w.shape, 'float32'),
  ] as const;
  const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
  const settings = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'correction1', 'correction2'].map((name) =>
    numberAttr(attrs, name),
  );
  const [lr, beta1, beta2, eps, weightDecay, correction1, correction2] = settings as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  nativeAddon().adamW(
    heapFloat32(backend),
    at(w),
    at(g),
    at(m),
    at(v),
    at(outputs[0]),
    at(outputs[1]),
    at(outputs[2]),
    n,
    lr,
    beta1,
    beta2,
    eps,
    weightDecay,
    correction1,
    correction2,
  );
  return [...outputs];
}

/** Registers `ForgeAdamW` for wasm. Call after `setNativeAddon`. */
export function registerNativeAdamW(): void {
  registerWasmKernel(FUSED_KERNELS.adamW, fusedAdamW as tf.KernelFunc);
}
