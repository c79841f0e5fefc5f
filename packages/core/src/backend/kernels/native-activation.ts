/**
 * Fused MLP activations for wasm (`ForgeActivation`, `ForgeActivationGrad`): GELU (tanh form) and
 * SwiGLU's silu(gate)·up as one native pass each way (see native-kernels/csrc/activation.cc).
 */
import { tf } from '../tf.js';
import { FUSED_KERNELS, nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

const OPS = { gelu: 0, swiglu: 1 } as const;

function opOf(attrs: tf.NamedAttrMap | undefined, kernel: string): 0 | 1 {
  const op = attrs?.['op'];
  if (op === 'gelu') return OPS.gelu;
  if (op === 'swiglu') return OPS.swiglu;
  throw new Error(`${kernel}: attribute op must be 'gelu' or 'swiglu'`);
}

function checkSameSize(kernel: string, first: tf.TensorInfo, ...others: Array<tf.TensorInfo | undefined>): number {
  const n = tf.util.sizeFromShape(first.shape);
  for (const other of [first, ...others]) {
    if (other !== undefined && (other.dtype !== 'float32' || tf.util.sizeFromShape(other.shape) !== n))
      throw new Error(`${kernel}: inputs must be float32 of one size`);
  }
  return n;
}

function fusedActivation({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const op = opOf(attrs, FUSED_KERNELS.activation);
  const { a, b } = inputs;
  if (a === undefined || (op === OPS.swiglu && b === undefined))
    throw new Error(`${FUSED_KERNELS.activation}: input a (and b for swiglu) is required`);
  const n = checkSameSize(FUSED_KERNELS.activation, a, op === OPS.swiglu ? b : undefined);
  const out = backend.makeOutput(a.shape, 'float32');
  const at = (t: tf.TensorInfo | undefined): number => (t === undefined ? -1 : heapElementOffset(backend, t));
  if (n > 0) nativeAddon().activation(heapFloat32(backend), op, at(a), op === OPS.swiglu ? at(b) : -1, at(out), n);
  return out;
}

function fusedActivationGrad({
  inputs,
  backend: untypedBackend,
  attrs,
}: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const backend = asWasmBackend(untypedBackend);
  const op = opOf(attrs, FUSED_KERNELS.activationGrad);
  const { a, b, dy } = inputs;
  if (a === undefined || dy === undefined || (op === OPS.swiglu && b === undefined))
    throw new Error(`${FUSED_KERNELS.activationGrad}: inputs a, dy (and b for swiglu) are required`);
  const n = checkSameSize(FUSED_KERNELS.activationGrad, a, dy, op === OPS.swiglu ? b : undefined);
  const da = backend.makeOutput(a.shape, 'float32');
  const db = op === OPS.swiglu ? backend.makeOutput(a.shape, 'float32') : undefined;
  const at = (t: tf.TensorInfo | undefined): number => (t === undefined ? -1 : heapElementOffset(backend, t));
  if (n > 0)
    nativeAddon().activationGrad(
      heapFloat32(backend),
      op,
      at(a),
      op === OPS.swiglu ? at(b) : -1,
      at(dy),
      at(da),
      at(db),
      n,
    );
  return db === undefined ? [da] : [da, db];
}

/** Registers both kernels for wasm. Call after `setNativeAddon`. */
export function registerNativeActivation(): void {
  registerWasmKernel(FUSED_KERNELS.activation, fusedActivation);
  registerWasmKernel(FUSED_KERNELS.activationGrad, fusedActivationGrad as tf.KernelFunc);
}
