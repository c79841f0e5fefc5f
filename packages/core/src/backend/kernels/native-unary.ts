/**
 * `Tanh`, `Sigmoid` and `Exp` for wasm through the native addon (vectorised, threaded), in place of
 * wasm 4.22's scalar loops; other dtypes go to the kernel they replace. Their gradients are tfjs's
 * own (they use the forward's output), so only the forward kernel changes.
 */
import { tf } from '../tf.js';
import { nativeAddon, replaceWasmKernel, runReplacedWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

const UNARY_OPS = { [tf.Tanh]: 0, [tf.Sigmoid]: 1, [tf.Exp]: 2 } as const;
type UnaryKernel = keyof typeof UNARY_OPS;

function nativeUnary(kernel: UnaryKernel): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error(`${kernel}: input x is required`);
    if (x.dtype !== 'float32') return runReplacedWasmKernel(kernel, args);
    const backend = asWasmBackend(args.backend);
    const out = backend.makeOutput(x.shape, 'float32');
    const n = tf.util.sizeFromShape(x.shape);
    if (n > 0)
      nativeAddon().unary(
        heapFloat32(backend),
        UNARY_OPS[kernel],
        heapElementOffset(backend, x),
        heapElementOffset(backend, out),
        n,
      );
    return out;
  };
}

const KERNELS = new Map((Object.keys(UNARY_OPS) as UnaryKernel[]).map((name) => [name, nativeUnary(name)]));

/** Registers the native unary kernels for wasm. Call after `setNativeAddon`. Idempotent. */
export function registerNativeUnaryKernels(): void {
  for (const [name, kernelFunc] of KERNELS) replaceWasmKernel(name, kernelFunc);
}
