/**
 * `BatchMatMul` for the wasm backend, computed by the native kernel addon on the wasm heap in place.
 *
 * Why: BatchMatMul is ~66 % of a `paper` training step and wasm SIMD caps it at ~45-57 GFLOP/s on two
 * cores; the addon's Eigen sgemm (AVX-512, OpenMP) does ~220-250 (docs/performance.md). It reads both
 * operands where tfjs keeps them and writes the output there, with transposes folded into the
 * product (no transposed copies, unlike the XNNPACK path in fast-batch-matmul.ts).
 */
import { tf } from '../tf.js';
import { broadcastSliceIndices } from './batch-broadcast.js';
import { nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapFloat32, heapElementOffset } from './wasm-heap.js';

function operandShape(x: tf.TensorInfo): { batchShape: number[]; rows: number; cols: number } {
  const rank = x.shape.length;
  return { batchShape: x.shape.slice(0, -2), rows: x.shape[rank - 2] ?? 1, cols: x.shape[rank - 1] ?? 1 };
}

/** Slice lists are the same for every call of one shape pair: built once each. */
const sliceCache = new Map<string, { a: Int32Array; b: Int32Array }>();

function sliceLists(outBatch: number[], aBatch: number[], bBatch: number[]): { a: Int32Array; b: Int32Array } {
  const key = `${outBatch.join(',')}|${aBatch.join(',')}|${bBatch.join(',')}`;
  let lists = sliceCache.get(key);
  if (lists === undefined) {
    lists = {
      a: Int32Array.from(broadcastSliceIndices(outBatch, aBatch)),
      b: Int32Array.from(broadcastSliceIndices(outBatch, bBatch)),
    };
    if (sliceCache.size > 256) sliceCache.clear();
    sliceCache.set(key, lists);
  }
  return lists;
}

function nativeBatchMatMul({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { a, b } = inputs;
  if (a === undefined || b === undefined) throw new Error('BatchMatMul: inputs a and b are required');
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul on wasm supports float32 only');
  const [transA, transB] = [attrs?.['transposeA'] === true, attrs?.['transposeB'] === true];
  const [left, right] = [operandShape(a), operandShape(b)];
  const [m, k] = transA ? [left.cols, left.rows] : [left.rows, left.cols];
  const [kRight, n] = transB ? [right.cols, right.rows] : [right.rows, right.cols];
  if (k !== kRight)
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kRight}) of tensors with shapes ${a.shape} and ${b.shape} must match`,
    );
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(left.batchShape, right.batchShape);
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  if (tf.util.sizeFromShape(out.shape) === 0) return out;
  const slices = sliceLists(outBatch, left.batchShape, right.batchShape);
  // After makeOutput: allocating may grow the heap, which replaces its buffer.
  const heap = heapFloat32(backend);
  nativeAddon().batchMatMul(
    heap,
    heapElementOffset(backend, a),
    heapElementOffset(backend, b),
    heapElementOffset(backend, out),
    m,
    k,
    n,
    transA,
    transB,
    slices.a,
    slices.b,
  );
  return out;
}

/** Makes the native BatchMatMul the wasm backend's. Call after the wasm backend is initialised and `setNativeAddon`. */
export function registerNativeWasmBatchMatMul(): void {
  registerWasmKernel(tf.BatchMatMul, nativeBatchMatMul);
}

/** Whether the native BatchMatMul is the one registered now. */
export function isNativeWasmBatchMatMulRegistered(): boolean {
  return tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc === nativeBatchMatMul;
}
