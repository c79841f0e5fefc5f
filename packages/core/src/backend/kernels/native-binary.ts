/**
 * `Add`, `Sub`, `Multiply` and `RealDiv` for wasm through the native addon (threaded, AVX), for float32
 * operands of the same shape, a scalar, a row repeated over leading dimensions (a gain against
 * activations) or one value per row (a norm's per-token scale); any other broadcast or dtype goes to
 * the kernel it replaced. Forward kernels only:
 * tfjs's gradients of these ops are built from the same ops.
 */
import { tf } from '../tf.js';
import { nativeAddon, replaceWasmKernel, runReplacedWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

const BINARY_OPS = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3 } as const;
type BinaryKernel = keyof typeof BINARY_OPS;

/** How an operand meets the output: its own elements, one repeated row, one value per row, or a scalar. */
const LAYOUTS = { full: 0, row: 1, perRow: 2, scalar: 3 } as const;
type Layout = keyof typeof LAYOUTS | 'other';

function layoutOf(shape: number[], outShape: number[]): Layout {
  if (tf.util.sizeFromShape(shape) === 1) return 'scalar';
  if (tf.util.arraysEqual(shape, outShape)) return 'full';
  // A row: after dropping leading 1s, the operand's shape is the output's trailing dims.
  const trimmed = shape.slice(shape.findIndex((dim) => dim !== 1));
  if (tf.util.arraysEqual(trimmed, outShape.slice(outShape.length - trimmed.length))) return 'row';
  // One value per row: the output's shape with its last dim 1 (leading 1s may be missing).
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  return padded.at(-1) === 1 && tf.util.arraysEqual(padded.slice(0, -1), outShape.slice(0, -1)) ? 'perRow' : 'other';
}

interface Plan {
  outer: number;
  inner: number;
  a: keyof typeof LAYOUTS;
  b: keyof typeof LAYOUTS;
}

function plan(aShape: number[], bShape: number[], outShape: number[]): Plan | undefined {
  const [a, b] = [layoutOf(aShape, outShape), layoutOf(bShape, outShape)];
  if (a === 'other' || b === 'other') return undefined;
  const layouts = new Set([a, b]);
  // A repeated row and a per-row value cut the output into rows of different lengths.
  if ((layouts.has('row') && layouts.has('perRow')) || (a === b && a !== 'full' && a !== 'scalar')) return undefined;
  const size = tf.util.sizeFromShape(outShape);
  const inner = layouts.has('row')
    ? tf.util.sizeFromShape(a === 'row' ? aShape : bShape)
    : layouts.has('perRow')
      ? (outShape.at(-1) ?? 1)
      : size;
  return { outer: inner === 0 ? 0 : size / inner, inner, a, b };
}

function nativeBinary(kernel: BinaryKernel): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    if (a === undefined || b === undefined) throw new Error(`${kernel}: inputs a and b are required`);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return runReplacedWasmKernel(kernel, args);
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const layout = plan(a.shape, b.shape, outShape);
    if (layout === undefined) return runReplacedWasmKernel(kernel, args);
    const backend = asWasmBackend(args.backend);
    const out = backend.makeOutput(outShape, 'float32');
    if (layout.outer * layout.inner === 0) return out;
    const at = (t: tf.TensorInfo): number => heapElementOffset(backend, t);
    nativeAddon().binary(
      heapFloat32(backend),
      BINARY_OPS[kernel],
      at(a),
      at(b),
      at(out),
      layout.outer,
      layout.inner,
      LAYOUTS[layout.a],
      LAYOUTS[layout.b],
    );
    return out;
  };
}

const KERNELS = new Map((Object.keys(BINARY_OPS) as BinaryKernel[]).map((name) => [name, nativeBinary(name)]));

/** Registers the native binary kernels for wasm. Call after `setNativeAddon`. Idempotent. */
export function registerNativeBinaryKernels(): void {
  for (const [name, kernelFunc] of KERNELS) replaceWasmKernel(name, kernelFunc);
}
