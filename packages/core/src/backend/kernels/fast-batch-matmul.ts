/**
 * A faster `BatchMatMul` for the wasm backend.
 *
 * Why: tfjs-backend-wasm 4.22 uses XNNPACK only when transposeA == transposeB == false AND the batch
 * is 1. Every matMul gradient (aᵀ·dy, dy·bᵀ), a tied head (x·Wᵀ) and all attention products (q·kᵀ,
 * att·v, batched) fall into a scalar triple loop at 1–2 GFLOP/s; that was 88 % of kernel time in a
 * training step (research/bench-backend REPORT, F3). This kernel materialises transposes with the
 * wasm Transpose kernel and runs each batch slice as its own 2-D product on zero-copy heap views,
 * so every product goes through XNNPACK: 10–33× on those shapes, ~7× on a whole training step.
 */
import { tf } from '../tf.js';
import { broadcastSliceIndices } from './batch-broadcast.js';
import {
  asWasmBackend,
  heapView,
  releaseHeapView,
  shapeBytes,
  wasmTensorId,
  wrapWasmFunction,
  type WasmBackend,
} from './wasm-heap.js';

/** An operand as a row-major [batch, rows, cols] tensor, with the batch dims it came with. */
interface RowMajorOperand {
  tensor: tf.TensorInfo;
  /** True when `tensor` is a transposed copy this kernel must dispose. */
  owned: boolean;
  batchShape: number[];
  rows: number;
  cols: number;
}

const cppBatchMatMulByBackend = new WeakMap<WasmBackend, (...args: unknown[]) => void>();
let stockKernel: tf.KernelConfig | undefined;

function cppBatchMatMul(backend: WasmBackend): (...args: unknown[]) => void {
  let multiply = cppBatchMatMulByBackend.get(backend);
  if (multiply === undefined) {
    // aId, aShape, aRank, bId, bShape, bRank, transposeA, transposeB, outId
    multiply = wrapWasmFunction(backend, tf.BatchMatMul, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]);
    cppBatchMatMulByBackend.set(backend, multiply);
  }
  return multiply;
}

function asRowMajor(backend: WasmBackend, x: tf.TensorInfo, transpose: boolean): RowMajorOperand {
  const rank = x.shape.length;
  const batchShape = x.shape.slice(0, -2);
  const rows = x.shape[rank - 2] ?? 1;
  const cols = x.shape[rank - 1] ?? 1;
  const as3d: tf.TensorInfo = {
    dataId: x.dataId,
    shape: [tf.util.sizeFromShape(batchShape), rows, cols],
    dtype: x.dtype,
  };
  if (!transpose) return { tensor: as3d, owned: false, batchShape, rows, cols };
  const transposeKernel = tf.getKernel(tf.Transpose, 'wasm').kernelFunc;
  const transposed = transposeKernel({ inputs: { x: as3d }, backend, attrs: { perm: [0, 2, 1] } }) as tf.TensorInfo;
  return { tensor: transposed, owned: true, batchShape, rows: cols, cols: rows };
}

function multiplySlices(
  backend: WasmBackend,
  left: RowMajorOperand,
  right: RowMajorOperand,
  out: tf.TensorInfo,
  outBatchShape: number[],
): void {
  const multiply = cppBatchMatMul(backend);
  const [m, k, n] = [left.rows, left.cols, right.cols];
  const leftSlices = broadcastSliceIndices(outBatchShape, left.batchShape);
  const rightSlices = broadcastSliceIndices(outBatchShape, right.batchShape);
  const [leftShape, rightShape] = [shapeBytes([1, m, k]), shapeBytes([1, k, n])];
  const outWhole = leftSlices.length === 1;
  for (let slice = 0; slice < leftSlices.length; slice++) {
    const operands = [
      sliceOf(backend, left.tensor, (leftSlices[slice] ?? 0) * m * k, [1, m, k], isSingleSlice(left)),
      sliceOf(backend, right.tensor, (rightSlices[slice] ?? 0) * k * n, [1, k, n], isSingleSlice(right)),
      sliceOf(backend, out, slice * m * n, [1, m, n], outWhole),
    ] as const;
    try {
      multiply(operands[0].id, leftShape, 3, operands[1].id, rightShape, 3, false, false, operands[2].id);
    } finally {
      for (const operand of operands) operand.release();
    }
  }
}

function isSingleSlice(operand: RowMajorOperand): boolean {
  return tf.util.sizeFromShape(operand.batchShape) === 1;
}

/**
 * A slice of `tensor` as the C++ side sees it. A tensor that is one slice whole is passed by its own
 * id rather than a fresh view: XNNPACK caches the packed right-hand matrix by tensor id, so a weight
 * used untransposed is packed once instead of on every call (a 1-token decode step is all packing).
 */
function sliceOf(
  backend: WasmBackend,
  tensor: tf.TensorInfo,
  elementOffset: number,
  shape: number[],
  whole: boolean,
): { id: number; release: () => void } {
  if (whole) return { id: wasmTensorId(backend, tensor), release: () => undefined };
  const view = heapView(backend, tensor, elementOffset, shape);
  return { id: wasmTensorId(backend, view), release: () => releaseHeapView(backend, view) };
}

function requireInput(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`BatchMatMul: missing input '${name}'`);
  return input;
}

function fastBatchMatMul({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const [a, b] = [requireInput(inputs, 'a'), requireInput(inputs, 'b')];
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul on wasm supports float32 only');
  const left = asRowMajor(backend, a, attrs?.['transposeA'] === true);
  const right = asRowMajor(backend, b, attrs?.['transposeB'] === true);
  try {
    if (left.cols !== right.rows) {
      throw new Error(
        `Error in matMul: inner shapes (${left.cols}) and (${right.rows}) of tensors with shapes ${a.shape} and ${b.shape} must match`,
      );
    }
    const outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(left.batchShape, right.batchShape);
    const out = backend.makeOutput([...outBatchShape, left.rows, right.cols], 'float32');
    // An empty inner dimension means a zero product; the heap memory is uninitialised.
    if (left.cols === 0) backend.typedArrayFromHeap(out).fill(0);
    else if (tf.util.sizeFromShape(out.shape) > 0) multiplySlices(backend, left, right, out, outBatchShape);
    return out;
  } finally {
    for (const operand of [left, right]) if (operand.owned) backend.disposeData(operand.tensor.dataId);
  }
}

/**
 * Replaces the wasm `BatchMatMul` kernel with the fast one. Call after the wasm backend is
 * initialised (the stock kernel's one-time setup must have run). Idempotent.
 */
export function registerFastWasmBatchMatMul(): void {
  const current = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (current?.kernelFunc === fastBatchMatMul) return;
  // The first kernel replaced is tfjs's own; a later call may be replacing the native one.
  stockKernel ??= current;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: fastBatchMatMul });
}

/** Puts the stock kernel back: for benchmarks and for tests that compare the two. */
export function restoreStockWasmBatchMatMul(): void {
  if (stockKernel === undefined || tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc !== fastBatchMatMul) return;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(stockKernel);
}

/** Whether the fast kernel is the one registered now. */
export function isFastWasmBatchMatMulRegistered(): boolean {
  return tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc === fastBatchMatMul;
}
