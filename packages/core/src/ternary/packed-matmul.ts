/**
 * `y = Q(x) · W_q · γ` on the packed weights, through the backend kernel `ForgeTernaryMatMul`
 * (backend/kernels/ternary-matmul.ts): native int8 on the wasm heap when the addon is active, JavaScript
 * on the heap without it, JavaScript on the cpu backend's arrays.
 */
import { TERNARY_MATMUL_KERNEL, type TernaryMatMulAttrs } from '../backend/kernels/ternary-matmul.js';
import { tf } from '../backend/tf.js';
import type { KernelActivationSettings } from './kernel-js.js';
import type { KernelTernaryMatrix } from './kernel-layout.js';

/** Whether the active backend has the packed ternary kernel (wasm and cpu do once initialised). */
export function hasTernaryMatMulKernel(): boolean {
  // engine().backendName, not getBackend(): asking must not make tfjs pick a backend when none is set.
  const active: unknown = tf.engine().backendName;
  return typeof active === 'string' && tf.getKernel(TERNARY_MATMUL_KERNEL, active) !== undefined;
}

/** `[..., inFeatures] → [..., outFeatures]`: BitLinear's activation quantizer, then the packed product. */
export function ternaryMatMul(
  x: tf.Tensor,
  matrix: KernelTernaryMatrix,
  settings: KernelActivationSettings,
): tf.Tensor {
  return tf.tidy(() => {
    const leading = x.shape.slice(0, -1);
    const flat = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [-1, matrix.inFeatures]);
    // The matrix travels by reference: tfjs hands attrs to the kernel as given.
    const attrs: TernaryMatMulAttrs = { matrix, settings };
    const out = tf.engine().runKernel(TERNARY_MATMUL_KERNEL, { x: flat }, attrs as unknown as tf.NamedAttrMap);
    return tf.reshape(out as tf.Tensor, [...leading, matrix.outFeatures]);
  });
}
